import fs from 'node:fs';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { demoUsers, seedDemoUsers } from '@/lib/auth/demo-users';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { agentSessions } from '@/lib/db/schema';
import { seedIfEmpty } from '@/lib/seed';
import { seedDemoSetup } from '@/lib/seed/demo-setup';
import { env } from '@/lib/env';
import { rotateDemoToken } from '@/lib/simulator/demo-token';
import { argValue, hasFlag, runCli } from './cli';
import { assertPortFree, PortInUseError, sleep, spawnGroup, stopGroups, watchAncestors, type GroupChild } from './demo-processes';

/**
 * `npm run demo`: check the port, build (when sources changed), migrate, seed the demo data into an empty database,
 * start the console, start a small fleet of simulated agents against it, then print the URL and the log-ins last.
 * Build, console and simulator output go to log files beside the data folder, so the terminal stays readable.
 * Flags: --port N (default 3000), --agents N (default 6), --no-build, --no-simulator; --logins prints the log-ins.
 * Any signal that ends this script (Ctrl-C, SIGTERM, SIGHUP, or npm being killed) ends its children too.
 */
const port = Number(argValue('port', process.env.PORT ?? '3000'));
const agents = argValue('agents', '6')!;
const url = `http://localhost:${port}`;
const children: GroupChild[] = [];
let stopping: Promise<never> | null = null;

// After a SIGHUP the terminal may be gone; a failed write must not turn a clean stop into a crash.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

function printLogins() {
  const width = Math.max(...demoUsers.map((u) => u.email.length));
  console.log('  Demo log-ins (demo only — refused in production without FLIGHTDECK_DEMO=1):');
  for (const u of demoUsers) console.log(`    ${u.role.padEnd(9)} ${u.email.padEnd(width)}  ${u.password}`);
}

function stop(why: string, code = 0): Promise<never> {
  stopping ??= (async () => {
    if (children.length) console.log(`\n  Stopping (${why})…`);
    process.stdin.destroy();
    await stopGroups(children);
    process.exit(code);
  })();
  return stopping;
}

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

function tail(file: string, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a child in its own process group with its output in `logFile`; `onLine` sees each stdout line. */
function startLogged(name: string, command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv, onLine?: (line: string) => void) {
  const log = fs.createWriteStream(logFile, { flags: 'w' });
  const c = spawnGroup(name, command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(c);
  let partial = '';
  c.child.stdout?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (!onLine) return;
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  c.child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  c.exited.then(() => log.end());
  return c;
}

/**
 * Ready means: this run's own server printed that it is listening (so the port is its own — a health answer from
 * another process on the port cannot count), it is still alive, and its /api/health answers.
 */
async function waitForOwnServer(server: GroupChild, listening: Promise<void>, logFile: string, deadlineMs: number) {
  const died = server.exited.then((code) => {
    const log = tail(logFile);
    if (/EADDRINUSE/.test(log)) throw new PortInUseError(port);
    throw new Error(`the console exited (${code}) before it was ready; its log ${logFile} ends with:\n${log}`);
  });
  const until = Date.now() + deadlineMs;
  const ready = (async () => {
    await listening;
    while (Date.now() < until) {
      try {
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
        if ((res.status === 200 || res.status === 503) && server.child.exitCode === null) return;
      } catch {
        // listening, but the first request is still being prepared
      }
      await sleep(300);
    }
    throw new Error(`the console did not become ready on ${url} within ${deadlineMs / 1000} s; see ${logFile}`);
  })();
  const timeout = sleep(deadlineMs + 1000).then(() => {
    throw new Error(`the console did not start listening on ${url} within ${deadlineMs / 1000} s; see ${logFile}`);
  });
  await Promise.race([ready, died, timeout]);
}

async function build(logFile: string) {
  console.log(`  Building the console (next build, a minute or two; output in ${logFile})…`);
  const b = startLogged('build', path.resolve('node_modules/.bin/next'), ['build'], logFile, { ...process.env, NEXT_TELEMETRY_DISABLED: '1' });
  const code = await b.exited;
  children.splice(children.indexOf(b), 1);
  if (code !== 0) throw new Error(`next build failed (exit ${code}); ${logFile} ends with:\n${tail(logFile, 30)}`);
}

runCli(async () => {
  try {
    await main();
  } catch (err) {
    // A child ended by our own stop (a signal) is not a failure of the demo.
    if (stopping) return stopping;
    await stopGroups(children);
    throw err;
  }
});

async function main(): Promise<void> {
  if (hasFlag('logins')) return printLogins();
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number (1-65535), got "${argValue('port')}"`);
  // Before anything else: a second demo must not seed, build or print log-ins for someone else's server.
  await assertPortFree(port);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  watchAncestors(() => void stop('the process that started the demo is gone'));

  const e = env();
  const logDir = e.DATABASE_URL ? path.resolve('.data') : path.dirname(path.resolve(e.PGLITE_DATA_DIR));
  fs.mkdirSync(logDir, { recursive: true });
  const logs = { build: path.join(logDir, 'demo-build.log'), server: path.join(logDir, 'demo-server.log'), simulator: path.join(logDir, 'demo-simulator.log') };
  const rel = (p: string) => (p.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), p) : p);
  if (!hasFlag('no-build') && buildIsStale()) await build(logs.build);

  // Migrate and seed with the database closed again before the server opens it (PGlite allows one process).
  const handle = await createDb({ url: e.DATABASE_URL });
  let token: string;
  const liveSessions = path.join(logDir, 'demo-live-sessions.json');
  try {
    await migrate(handle.db);
    const seeded = await seedIfEmpty(handle.db, 'demo', { embedded: handle.kind === 'pglite' });
    await seedDemoUsers(handle.db);
    // What an admin sets up in the first hour (escalation, budgets, four-eyes), once, on the freshly seeded fleet.
    if (seeded.ok) await seedDemoSetup(handle.db);
    console.log(seeded.ok ? `  Seeded the demo data into ${handle.label}.` : `  Using the existing data in ${handle.label}.`);
    token = (await rotateDemoToken(handle.db, { port })).token;
    // The simulator carries on the runs the database says are live (seeded ones, or a previous demo's agents), so
    // none of them goes stale or waits for a restore nobody will pick up.
    const live = await handle.db
      .select({ project: agentSessions.project, agent: agentSessions.agentName, externalId: agentSessions.externalId, status: agentSessions.status })
      .from(agentSessions)
      .where(inArray(agentSessions.status, ['running', 'paused', 'recovering']));
    fs.writeFileSync(liveSessions, JSON.stringify(live.filter((s) => s.externalId)));
  } finally {
    await handle.close();
  }
  if (stopping) return stopping;

  let onListening = () => {};
  const listening = new Promise<void>((r) => (onListening = r));
  const server = startLogged(
    'console',
    path.resolve('node_modules/.bin/next'),
    ['start', '-p', String(port)],
    logs.server,
    // No APP_URL unless the person set one: the demo then accepts sign-ins at localhost and 127.0.0.1 alike
    // (lib/auth/origin.ts), as issue 15.2 asks; production requires APP_URL.
    {
      ...process.env,
      NODE_ENV: 'production',
      FLIGHTDECK_DEMO: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      APP_URL: process.env.APP_URL ?? '',
      PORT: String(port),
    },
    // Next prints "Ready in …" from its server's 'listening' event: the port is this child's.
    (line) => /\bReady in\b/.test(line) && onListening(),
  );
  await waitForOwnServer(server, listening, logs.server, 120_000);

  const simulate = !hasFlag('no-simulator');
  if (simulate) {
    const sim = startLogged(
      'simulator',
      path.resolve('node_modules/.bin/tsx'),
      [path.resolve('scripts/simulate.ts'), '--agents', agents, '--url', url, '--adopt', liveSessions],
      logs.simulator,
      { ...process.env, FLIGHTDECK_TOKEN: token },
    );
    void sim.exited.then((code) => {
      if (!stopping) console.log(`  The simulated agents stopped (exit ${code}); ${rel(logs.simulator)} says why. The console keeps running.`);
    });
  }

  console.log(`\n  Flightdeck is running: ${url}\n`);
  console.log(`  Logs: ${rel(logs.server)}${simulate ? `, ${rel(logs.simulator)} (the simulated agents)` : ''}`);
  console.log(
    simulate
      ? `  ${agents} simulated agents are working; their pauses appear under Interventions.\n`
      : '  No simulated agents (--no-simulator): running sessions will show as stale.\n',
  );
  printLogins();
  const interactive = process.stdin.isTTY;
  console.log(`\n  ${interactive ? 'Press Enter to show the log-ins again, Ctrl-C to stop.' : 'npm run demo -- --logins shows the log-ins again.'}\n`);
  if (interactive) {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', () => printLogins());
  }

  const code = await server.exited;
  if (!stopping) return stop(`the console exited with ${code}; see ${rel(logs.server)}`, 1);
  return stopping;
}
