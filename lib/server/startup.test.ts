import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

/** Bad configuration ends start-up with one plain line on stderr naming the variable, and exit status 1. */
it('a bad value ends start-up with one line naming the variable', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const r = spawnSync(
    path.join(root, 'node_modules/.bin/tsx'),
    ['--eval', "import('./lib/server/startup.ts').then((m) => m.startServer())"],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_ENV: 'production', FLIGHTDECK_DEMO: '0', LOG_LEVEL: 'info', DB_POOL_MAX: 'lots' },
    },
  );
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  expect(r.status).toBe(1);
  expect(lines).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(/^\[flightdeck\] cannot start: Invalid configuration: DB_POOL_MAX="lots" must be/);
});
