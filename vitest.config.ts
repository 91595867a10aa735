import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      'server-only': path.resolve(import.meta.dirname, 'lib/test/server-only-stub.ts'),
    },
  },
  test: {
    environment: 'node',
    include: ['lib/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'components/**/*.test.ts'],
    exclude: ['node_modules/**', '.next/**', 'e2e/**'],
    globalSetup: ['lib/test/global-setup.ts'],
    // Each test file's database handles run behind the pool monitor, as in the server (lib/db/observer.ts).
    setupFiles: ['lib/test/setup.ts'],
    pool: 'forks',
    // Two cores here: more workers only queue on the CPU and make timeouts flaky.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', BACKGROUND_JOBS: '0' },
  },
});
