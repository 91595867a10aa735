import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { seedDemoUsers } from '@/lib/auth/demo-users';
import { createApiToken } from '@/lib/auth/tokens';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { runCli } from './cli';

/**
 * The server the Playwright suite talks to: a throwaway database (PGlite in a temp folder, or a fresh database
 * on E2E_DATABASE_URL's server), migrated, with one user per role and an API token for the tests' agents,
 * then `next start` on E2E_PORT. Tests create their own data through the API.
 */
const port = process.env.E2E_PORT ?? '3210';
const stateDir = path.resolve('.test-data', 'e2e');

runCli(async () => {
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.mkdirSync(stateDir, { recursive: true });
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const base = process.env.E2E_DATABASE_URL;
  if (base) {
    const name = `fd_e2e_${Date.now().toString(36)}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  const dataDir = path.join(stateDir, 'pglite');
  const handle = await createDb({ url: databaseUrl, dataDir });
  await migrate(handle.db);
  await seedDemoUsers(handle.db);
  const { token } = await createApiToken(handle.db, { name: 'e2e-agent', scopes: ['ingest', 'control', 'read', 'metrics', 'checklists'] });
  fs.writeFileSync(path.join(stateDir, 'token.txt'), token);
  await handle.close();

  const child = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', port], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FLIGHTDECK_DEMO: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      APP_URL: `http://localhost:${port}`,
      PORT: port,
      PGLITE_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
      RECOVERY_ABANDON_AFTER_S: '600',
      // Pages never refresh the roll-ups (the job does): specs that post data see it on Overview/Tools within 1 s.
      ROLLUP_REFRESH_INTERVAL_MS: '1000',
      // Pause jobs (escalation steps): a step that is due shows in the inbox within a second.
      JOBS_INTERVAL_MS: '500',
      // Sign-in limits stay at their defaults: they count failures only, so the suite's many sign-ins from
      // 127.0.0.1 pass, and e2e/auth.spec.ts meets the per-account delay.
    },
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 0)));
  await dropDatabase?.();
  if (code !== 0 && code !== 143) throw new Error(`next start exited with ${code}`);
});
