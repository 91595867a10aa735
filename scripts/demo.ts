import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoUsers, seedDemoUsers } from '@/lib/auth/demo-users';
import { createApiToken } from '@/lib/auth/tokens';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { seedIfEmpty } from '@/lib/db/seed';
import { env } from '@/lib/env';
import { argValue, hasFlag, runCli } from './cli';

/**
 * `npm run demo`: build (when sources changed), migrate, seed the demo data into an empty database, start the
 * console, start a small fleet of simulated agents against it, print the URL and the log-ins.
 * Flags: --port N (default 3000), --agents N (default 6), --no-build, --no-simulator.
 */
const port = argValue('port', process.env.PORT ?? '3000')!;
const agents = argValue('agents', '6')!;
const url = `http://localhost:${port}`;
const children: ChildProcess[] = [];

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildIsStale() {
  const buildId = path.resolve('.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...['app', 'lib', 'components', 'drizzle'].map((d) => newestMtime(path.resolve(d))),
    ...['package-lock.json', 'next.config.ts', 'proxy.ts', 'instrumentation.ts'].map((f) =>
      fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0,
    ),
  );
  return sources > built;
}

async function waitForServer(deadlineMs: number) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200 || res.status === 503) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The console did not answer on ${url} within ${deadlineMs / 1000} s`);
}

function shutdown() {
  for (const c of children) c.kill('SIGTERM');
}

runCli(async () => {
  const e = env();
  if (!hasFlag('no-build') && buildIsStale()) {
    console.log('Building the console (next build)…');
    const r = spawnSync(path.resolve('node_modules/.bin/next'), ['build'], {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0) throw new Error('next build failed');
  }

  // Migrate and seed with the database closed again before the server opens it (PGlite allows one process).
  const handle = await createDb({ url: e.DATABASE_URL });
  let token: string;
  try {
    await migrate(handle.db);
    const seeded = await seedIfEmpty(handle.db, 'demo');
    console.log(seeded.ok ? `Seeded the demo data into ${handle.label}.` : `Using the existing data in ${handle.label}.`);
    await seedDemoUsers(handle.db);
    token = (await createApiToken(handle.db, { name: `demo-simulator-${new Date().toISOString()}`, scopes: ['ingest', 'control', 'read'] })).token;
  } finally {
    await handle.close();
  }

  const server = spawn(path.resolve('node_modules/.bin/next'), ['start', '-p', port], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', FLIGHTDECK_DEMO: '1', NEXT_TELEMETRY_DISABLED: '1', APP_URL: url, PORT: port },
  });
  children.push(server);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const exited = new Promise<number>((resolve) => server.on('exit', (code) => resolve(code ?? 0)));
  await Promise.race([waitForServer(90_000), exited.then((c) => Promise.reject(new Error(`the console exited (${c})`)))]);

  const simulator = path.resolve('scripts/simulate.ts');
  const simulate = !hasFlag('no-simulator') && fs.existsSync(simulator);
  if (simulate) {
    const sim = spawn(path.resolve('node_modules/.bin/tsx'), [simulator, '--agents', agents, '--url', url, '--token', token], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(sim);
  }

  const width = Math.max(...demoUsers.map((u) => u.email.length));
  console.log(`\n  Flightdeck is running: ${url}\n\n  Demo log-ins (demo only — refused in production without FLIGHTDECK_DEMO=1):`);
  for (const u of demoUsers) console.log(`    ${u.role.padEnd(9)} ${u.email.padEnd(width)}  ${u.password}`);
  console.log(
    simulate
      ? `\n  ${agents} simulated agents are working; their pauses appear under Interventions. Ctrl-C stops everything.\n`
      : '\n  No simulated agents (--no-simulator). Ctrl-C stops the console.\n',
  );
  const code = await exited;
  shutdown();
  if (code !== 0 && code !== 143) throw new Error(`the console exited with ${code}`);
});
