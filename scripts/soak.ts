import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createClient } from '@/lib/api-client';
import { createApiToken } from '@/lib/auth/tokens';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { startSimulator } from '@/lib/simulator';
import { startPgServer, type PgServer } from '@/lib/test/pg-server';
import { argValue, hasFlag, runCli } from './cli';
import { startApp, type AppProcess } from './lib/app-process';
import {
  bump,
  clock,
  driverCrashes,
  installProcessGuards,
  ensureBuild,
  errorKind,
  fmtS,
  log,
  personLoop,
  rec,
  reconcileAccepted,
  recordingFetch,
  sleep,
  sum,
  summariseAppLog,
  type Reconciled,
} from './lib/fleet-record';
import { pct } from './lib/reconcile-rules';

/**
 * npm run soak -- --minutes M [--agents N] [--port P] [--pg-port P] [--pool N]
 *
 * A fault soak. Owns a Postgres server (initdb in a temp folder, lib/test/pg-server.ts) and a production app
 * (`next start`) with a small pool and a bounded acquisition timeout. The simulator's agents run at a steady rate
 * through the typed client (which retries with idempotency keys); a "person" answers every pause through the
 * console's own commands (resume / abort / restore) against the soak database. Meanwhile the soak
 * kills random app backends, restarts the server twice (a fast restart, then stop + pause + start), and holds the
 * pool full (a lock on the tables every agent call touches, as a long migration would: the app's requests block
 * holding their connections, the rest wait for one and time out). /api/health is polled every second.
 *
 * Every attempt goes through an instrumented fetch that records what the API answered as accepted (event and
 * tool-execution ids, checkpoints, pauses and the decision each got). At the end the soak reconciles that
 * against the database, prints the table, writes docs/soak.md, and exits 1 if anything was lost, duplicated,
 * hung or left unanswered, or if /api/health never went 503 and back.
 */

const minutes = Number(argValue('minutes', '10'));
const agents = Number(argValue('agents', '10'));
const appPort = Number(argValue('port', '3610'));
const pgPort = Number(argValue('pg-port', '55610'));
const poolMax = Number(argValue('pool', '4'));
const acquireTimeoutMs = 2000;
/** Per attempt (the typed client's default); a long-poll adds its wait. An attempt that runs into it is hung. */
const requestTimeoutMs = 30_000;
const healthTimeoutMs = 10_000;
const outFile = path.resolve('docs/soak.md');

// ---------------------------------------------------------------------------------------------------------------
// /api/health every second

type HealthState = '200' | '503' | 'other' | 'network' | 'hung';
const health = {
  samples: 0,
  state: null as HealthState | null,
  since: 0,
  transitions: [] as Array<{ at: number; from: HealthState | null; to: HealthState }>,
  downSince: null as number | null,
  outages: [] as number[],
  hung: 0,
  /** Why /api/health said 503 (the pool's verdict reasons), with the number of samples. */
  reasons: new Map<string, number>(),
};

async function pollHealth(baseUrl: string, stop: AbortSignal) {
  while (!stop.aborted) {
    const started = Date.now();
    let state: HealthState;
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(healthTimeoutMs) });
      const text = await res.text();
      state = res.status === 200 ? '200' : res.status === 503 ? '503' : 'other';
      if (state !== '200') {
        try {
          const b = JSON.parse(text) as { database?: { error?: string }; pool?: { reasons?: string[] } | null };
          for (const why of [b.database?.error, ...(b.pool?.reasons ?? [])]) if (why) bump(health.reasons, why.replace(/\d+/g, 'N'));
        } catch {
          bump(health.reasons, `unreadable ${res.status} body`);
        }
      }
    } catch (err) {
      state = errorKind(err) === 'hung' ? 'hung' : 'network';
      if (state === 'hung') {
        health.hung++;
        rec.hung.push(`GET /api/health at ${((started - clock.t0) / 1000).toFixed(1)} s: no answer within ${healthTimeoutMs / 1000} s`);
      }
    }
    health.samples++;
    const now = Date.now();
    if (state !== health.state) {
      health.transitions.push({ at: now - clock.t0, from: health.state, to: state });
      log(`health ${health.state ?? '-'} → ${state}`);
      health.state = state;
    }
    if (state === '200') {
      if (health.downSince !== null) {
        health.outages.push(now - health.downSince);
        health.downSince = null;
      }
    } else if (health.downSince === null) {
      health.downSince = started;
    }
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

type FaultLog = Array<{ at: number; what: string }>;
const faults: FaultLog = [];
const fault = (what: string) => {
  faults.push({ at: Date.now() - clock.t0, what });
  log(`FAULT ${what}`);
};

/** Tables every agent call touches; a long lock on them stalls the app's requests while they hold connections. */
const lockedTables = ['api_tokens', 'agent_sessions', 'execution_events', 'user_tool_history', 'session_checkpoints', 'paused_sessions'];

async function runFaults(server: PgServer, admin: postgres.Sql, totalMs: number, stop: AbortSignal) {
  let busy = false;
  let kills = 0;
  const killer = (async () => {
    await sleep(10_000);
    while (!stop.aborted) {
      await sleep(4000 + Math.random() * 8000);
      if (stop.aborted || busy) continue;
      try {
        const n = 1 + Math.floor(Math.random() * 2);
        const rows = await admin<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE application_name = 'flightdeck' ORDER BY random() LIMIT ${n}`;
        for (const { pid } of rows) await admin`SELECT pg_terminate_backend(${pid})`;
        kills += rows.length;
        if (rows.length) fault(`killed ${rows.length} app backend(s)`);
      } catch {
        // the server is restarting
      }
    }
  })();
  const at = async (fraction: number, what: () => Promise<void>) => {
    const wait = clock.t0 + fraction * totalMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (stop.aborted) return;
    busy = true;
    try {
      await what();
    } finally {
      busy = false;
    }
  };
  await at(0.25, async () => {
    fault('server restart (pg_ctl restart -m fast)');
    await server.restart();
    fault('server back');
  });
  const holdS = Math.round(Math.min(20, Math.max(8, (totalMs / 1000) * 0.04)));
  await at(0.45, async () => {
    fault(`pool held full for ${holdS} s (ACCESS EXCLUSIVE lock on ${lockedTables.length} tables)`);
    try {
      await admin.begin(async (tx) => {
        await tx.unsafe(`LOCK TABLE ${lockedTables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
        await tx`SELECT pg_sleep(${holdS})`;
      });
    } catch (err) {
      log(`pool hold failed: ${(err as Error).message}`);
    }
    fault('lock released');
  });
  await at(0.65, async () => {
    fault('server stop (pg_ctl stop -m fast), 5 s down');
    await server.stop();
    await sleep(5000);
    await server.start();
    fault('server started');
  });
  return { killer, kills: () => kills };
}

function report(input: {
  r: Reconciled;
  kills: number;
  machine: string;
  durationMs: number;
  checks: Array<[string, boolean]>;
  appErrors: Array<[string, number]>;
  appCrashes: number;
}) {
  const { r } = input;
  const statusErrors = [...rec.byStatus].filter(([s]) => Number(s) >= 400).sort();
  const longestOutage = Math.max(0, ...health.outages);
  const pausesAnswered = [...rec.pauses.values()].filter((p) => p.answer).length;
  const waits = [...rec.pauses.values()].filter((p) => p.answeredAt).map((p) => p.answeredAt! - p.acceptedAt);
  const rows: Array<[string, string]> = [
    ['requests (attempts)', `${rec.attempts} (${rec.calls} calls)`],
    ['errors by status', statusErrors.length ? statusErrors.map(([s, n]) => `${s}: ${n}`).join(', ') : 'none'],
    ['errors by network', rec.network.size ? [...rec.network].map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'],
    ['retries', `${rec.retries} (${rec.replayed} answered as idempotent replays)`],
    ['calls the client gave up on', String(rec.gaveUp)],
    ['accepted', `${rec.events.size} events, ${rec.executions.size} tool executions, ${rec.checkpoints.size} checkpoints, ${rec.pauses.size} pauses, ${rec.sessions.size} sessions`],
    ['lost', `${sum(r.lost)}${sum(r.lost) ? ` (${JSON.stringify(r.lost)})` : ''}`],
    ['duplicated', `${sum(r.duplicated)}${sum(r.duplicated) ? ` (${JSON.stringify(r.duplicated)})` : ''}`],
    ['hung (no answer within the timeout)', `${rec.hung.length} (agent ${requestTimeoutMs / 1000} s per attempt + long-poll wait; health ${healthTimeoutMs / 1000} s)`],
    ['pauses answered', `${pausesAnswered} / ${rec.pauses.size}${r.pausesWrongAnswer.length ? `, ${r.pausesWrongAnswer.length} with the wrong decision` : ''}; pause → decision p50 ${fmtS(pct(waits, 50))}, max ${fmtS(Math.max(0, ...waits))}`],
    ['latency per attempt', `p50 ${pct(rec.latencies, 50)} ms, p99 ${pct(rec.latencies, 99)} ms, max ${Math.max(0, ...rec.latencies)} ms (long-polls excluded)`],
    ['longest unavailability', `${fmtS(longestOutage)} (/api/health not 200); longest gap between successful API answers ${fmtS(rec.longestApiGapMs)}`],
    ['health transitions', `${health.transitions.length - 1}: ${health.transitions.map((t) => `${(t.at / 1000).toFixed(0)}s→${t.to}`).join(' ')}`],
    ['faults', `${input.kills} backends killed, 2 server restarts, 1 pool hold`],
    ['postgres.js null-socket crashes (#1154)', `${input.appCrashes} in the app (logged by next start), ${driverCrashes.count} in the soak's own connections`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  console.log('');
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('');
  for (const [what, ok] of input.checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  const md = [
    '# Fault soak',
    '',
    `Written by \`npm run soak -- --minutes ${minutes}\` on ${new Date().toISOString()} (${input.machine}).`,
    '',
    `Setup: a private Postgres server (initdb in a temp folder), the production app (\`next start\`) with`,
    `DB_POOL_MAX=${poolMax}, DB_ACQUIRE_TIMEOUT_MS=${acquireTimeoutMs}, BACKGROUND_JOBS=1; ${agents} simulated agents`,
    `(lib/simulator, typed client with idempotency keys, up to 10 retries, ${requestTimeoutMs / 1000} s per attempt); a person`,
    `answering every pause with the console's commands (60 % resume, 20 % restore, 20 % abort);`,
    `/api/health polled every second. Duration ${fmtS(input.durationMs)}.`,
    '',
    table,
    '',
    '## Checks',
    '',
    ...input.checks.map(([what, ok]) => `- ${ok ? 'PASS' : 'FAIL'}: ${what}`),
    '',
    '## Fault timeline',
    '',
    ...faults.map((f) => `- ${(f.at / 1000).toFixed(1)} s: ${f.what}`),
    '',
    ...(r.details.length ? ['## Findings', '', ...r.details.slice(0, 100).map((d) => `- ${d}`), ''] : []),
    ...(rec.hung.length ? ['## Hung requests', '', ...rec.hung.slice(0, 50).map((d) => `- ${d}`), ''] : []),
    '## Slowest requests (long-polls excluded)',
    '',
    ...rec.slowest.map((x) => `- ${x.ms} ms: ${x.what}`),
    '',
    '## Why /api/health said 503 (samples)',
    '',
    ...[...health.reasons].sort((a, b) => b[1] - a[1]).map(([why, n]) => `- ${why}: ${n}`),
    '',
    '## App errors logged (by message, first line)',
    '',
    ...(input.appErrors.length ? input.appErrors.map(([what, n]) => `- ${what}: ${n}`) : ['- none']),
    '',
  ].join('\n');
  fs.writeFileSync(outFile, md);
  console.log(`\nwritten to ${path.relative(process.cwd(), outFile)}`);
}

// ---------------------------------------------------------------------------------------------------------------

let server: PgServer | undefined;
let app: AppProcess | undefined;
let tempDir: string | undefined;

function cleanup() {
  void app?.stop();
  server?.destroy();
  server = undefined;
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

installProcessGuards('the app and the server', cleanup);

runCli(async () => {
  if (hasFlag('help')) {
    console.log('usage: npm run soak -- --minutes M [--agents N] [--port 3610] [--pg-port 55610] [--pool 4] [--build]');
    return;
  }
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  if (!Number.isInteger(agents) || agents < 1 || agents > 200) throw new Error('--agents must be an integer from 1 to 200');
  if (!Number.isInteger(poolMax) || poolMax < 1) throw new Error('--pool must be a positive integer');
  ensureBuild();

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-soak-'));
  server = await startPgServer({ port: pgPort });
  log(`postgres on :${server.port}`);
  const setup = await createDb({ url: server.url, poolMax: 2, metricsFlushMs: 0, applicationName: 'soak-setup' });
  await migrate(setup.db);
  const { token } = await createApiToken(setup.db, { name: 'soak-agents', scopes: ['ingest', 'control', 'read'] });
  await setup.close();

  const baseUrl = `http://127.0.0.1:${appPort}`;
  app = await startApp({
    port: appPort,
    logFile: path.join(tempDir, 'app.log'),
    env: {
      DATABASE_URL: server.url,
      APP_URL: baseUrl,
      BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
      DB_POOL_MAX: String(poolMax),
      DB_ACQUIRE_TIMEOUT_MS: String(acquireTimeoutMs),
      DB_STATEMENT_TIMEOUT_MS: '15000',
      BACKGROUND_JOBS: '1',
      CHECKPOINT_KEEP_LAST: '1000',
      LOG_LEVEL: 'warn',
    },
  });
  log(`app on ${baseUrl} (pool ${poolMax}, acquire timeout ${acquireTimeoutMs} ms)`);

  clock.t0 = Date.now();
  const admin = postgres(server.url, { max: 1, onnotice: () => {}, connection: { application_name: 'soak-admin' } });
  const personDb = await createDb({ url: server.url, poolMax: 2, metricsFlushMs: 0, applicationName: 'soak-person' });
  const stopAll = new AbortController();
  const healthLoop = pollHealth(baseUrl, stopAll.signal);
  const person = personLoop(personDb, stopAll.signal);

  const totalMs = minutes * 60_000;
  const sim = startSimulator({
    url: baseUrl,
    token,
    agents,
    fetch: recordingFetch,
    pace: 0.5,
    troubleRate: 0.3,
    keepGoing: true,
    client: { maxRetries: 10, maxDelayMs: 4000, timeoutMs: requestTimeoutMs },
    log: (line) => {
      if (/abandoned|stopped by an error/.test(line)) {
        rec.gaveUp++;
        log(line);
      }
    },
  });
  const stopFaults = new AbortController();
  const faultRun = runFaults(server, admin, totalMs * 0.85, stopFaults.signal);
  const { killer, kills } = await faultRun;
  await sleep(Math.max(0, clock.t0 + totalMs - Date.now()));
  stopFaults.abort();
  await killer;

  // Drain: wait until no pause is waiting for its answer, then stop the agents.
  log('draining: waiting for open pauses to be answered');
  for (let i = 0; i < 120 && rec.openPauseBySession.size > 0; i++) await sleep(500);
  await sim.stop();
  // A pause accepted as the agents stopped: fetch its decision as the agent would.
  const collector = createClient({ baseUrl, token, fetch: recordingFetch, maxRetries: 10, timeoutMs: requestTimeoutMs });
  for (const p of [...rec.openPauseBySession.values()]) {
    await collector.waitForControl(p.sessionId, { timeoutMs: 30_000 }).catch(() => {});
  }
  const durationMs = Date.now() - clock.t0;
  stopAll.abort();
  await Promise.all([healthLoop, person]);
  await personDb.close();
  await app.stop();

  const r = await reconcileAccepted(admin);
  await admin.end({ timeout: 2 });
  const endedUp = health.state === '200';
  const checks: Array<[string, boolean]> = [
    ['lost 0', sum(r.lost) === 0],
    ['duplicated 0', sum(r.duplicated) === 0],
    ['no hung request', rec.hung.length === 0],
    ['every pause got its answer (the one the person gave)', r.pausesUnanswered.length === 0 && r.pausesWrongAnswer.length === 0],
    ['/api/health went 503 and back to 200', health.transitions.some((t) => t.to === '503') && endedUp],
  ];
  const appErrors = summariseAppLog(path.join(tempDir!, 'app.log'), 'soak-app.log');
  const machine = `${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  const appCrashes = appErrors.filter(([what]) => /uncaughtException/.test(what)).reduce((a, [, n]) => a + n, 0);
  report({ r, kills: kills(), machine, durationMs, checks, appErrors, appCrashes });
  cleanup();
  if (checks.some(([, ok]) => !ok)) {
    process.exitCode = 1;
    throw new Error('the soak failed: see the checks above');
  }
});
