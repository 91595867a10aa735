import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createClient } from '@/lib/api-client';
import { createApiToken, revokeApiToken, TOKEN_CACHE_TTL_MS } from '@/lib/auth/tokens';
import { createUser } from '@/lib/auth/users';
import { catchUpRollups } from '@/lib/analytics/rollups';
import { createChecklistFromMarkdown, tickItem } from '@/lib/checklists/commands';
import { createDb, type DbHandle } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { notificationPreferences } from '@/lib/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { startSimulator } from '@/lib/simulator';
import { startPgReplica, startPgServer, type PgServer } from '@/lib/test/pg-server';
import { argValue, hasFlag, runCli } from './cli';
import { loadAvg, signInOverHttp } from './bench-pages-load';
import { startApp, type AppProcess } from './lib/app-process';
import {
  bump,
  clock,
  driverCrashes,
  ensureBuild,
  errorKind,
  fmtS,
  installProcessGuards,
  log,
  personLoop,
  personStats,
  rec,
  reconcileAccepted,
  recordingFetch,
  sleep,
  sum,
  summariseAppLog,
  type Decide,
} from './lib/fleet-record';
import { ensureNginx, nginxMissing, startNginx, type Nginx } from './lib/nginx';
import { judgeDeliveries, judgePasses, pct, type PassRun, type PassVerdict } from './lib/reconcile-rules';

/**
 * npm run cluster -- --instances 3 --minutes M [--agents N] [--base-port 4200]
 *
 * The scale-out run (issue 25). In a temporary folder it owns: a Postgres primary and a streaming replica of it
 * (initdb + pg_basebackup -R, lib/test/pg-server.ts), N production app instances (`next start` of the existing
 * build; DATABASE_REPLICA_URLS → the replica, TRUSTED_PROXIES=127.0.0.1, background jobs on in every instance with
 * short intervals) and nginx in front (scripts/lib/nginx.ts), plus a local webhook receiver the outbox delivers
 * to (OUTBOUND_ALLOWED_HOSTS=127.0.0.1). Through nginx: the simulator fleet (recorded as in the soak,
 * scripts/lib/fleet-record.ts) and a person answering every pause over MCP (resume / restore / abort with a token
 * the person owns) and ticking a checklist. Meanwhile: one instance is killed and started again, and the replica
 * is stopped for a while and started again. Throughout: trials of a resume sent to instance A directly and the
 * moment it reaches an SSE stream (/api/live) opened on instance C, and of a token revoked and the moment C
 * answers 401.
 *
 * At the end it reconciles and prints the table (and writes it into docs/cluster.md between the generated
 * markers): requests, errors by kind, lost, duplicated, each interval pass (job_runs: one run per interval, no
 * overlap, no interval missed), every outbox delivery received once, every roll-up hour computed once (no two
 * refreshes at once, roll-ups = raw), live-update p95 across instances, revocation delay across instances. Exits 1
 * on anything lost, duplicated, double-run, missed or hung; every wait is bounded.
 */

const instances = Number(argValue('instances', '3'));
const minutes = Number(argValue('minutes', '3'));
const agents = Number(argValue('agents', '12'));
const basePort = Number(argValue('base-port', '4200'));
const ports = {
  nginx: basePort,
  app: (i: number) => basePort + 1 + i,
  // After at most 8 instances; 12 ports from --base-port in all.
  sink: basePort + 10,
  primary: basePort + 11,
  replica: basePort + 12,
};
/** Job intervals of the run: many passes in a few minutes. */
const intervals = { jobs: 1000, rollups: 5000, maintenance: 15_000 };
const passJobs: Array<[string, number]> = [
  ['refresh-rollups', intervals.rollups],
  ['prune-checkpoints', intervals.maintenance],
  ['prune-idempotency-keys', intervals.maintenance],
  ['event-partitions', intervals.maintenance],
  ['prune-tool-history', intervals.maintenance],
];
const requestTimeoutMs = 30_000;
/**
 * The bar of "live updates across instances" (p95 of a resume on A reaching C's stream). The issue names no number;
 * 1 s is this run's: a person watching the inbox on another instance sees the decision within a second.
 */
const LIVE_P95_BAR_MS = 1000;
const outFile = path.resolve('docs/cluster.md');

// ---------------------------------------------------------------------------------------------------------------
// What the run owns

let tempDir: string | undefined;
let primary: PgServer | undefined;
let replica: PgServer | undefined;
const apps: Array<AppProcess | undefined> = [];
let nginx: Nginx | undefined;
let sink: http.Server | undefined;

function cleanup() {
  for (const a of apps) void a?.stop();
  void nginx?.stop();
  sink?.close();
  replica?.destroy();
  primary?.destroy();
  replica = primary = undefined;
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

installProcessGuards('the instances, nginx and both Postgres servers', cleanup);

// ---------------------------------------------------------------------------------------------------------------
// The webhook receiver: counts each delivery by its X-Flightdeck-Delivery id

const received = new Map<string, number>();

function startSink(port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['x-flightdeck-delivery'];
      if (typeof id === 'string') bump(received, id);
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The person: MCP through nginx (decisions), the console's command on the primary (checklist ticks)

type McpAnswer = { ok: true; data: unknown } | { ok: false; message: string };

async function mcpCall(base: string, token: string, name: string, args: Record<string, unknown>): Promise<McpAnswer> {
  const res = await fetch(`${base}/api/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await res.text();
  if (!res.ok) return { ok: false, message: `HTTP ${res.status}: ${text.slice(0, 200)}` };
  // A JSON answer, or an event stream whose last data line is the answer.
  const json = text.trimStart().startsWith('{') ? text : (text.split('\n').filter((l) => l.startsWith('data:')).pop() ?? '').slice(5);
  const body = JSON.parse(json || 'null') as { result?: { isError?: boolean; content?: Array<{ text?: string }>; structuredContent?: unknown }; error?: { message: string } };
  if (body?.error) return { ok: false, message: body.error.message };
  if (body?.result?.isError) return { ok: false, message: body.result.content?.[0]?.text ?? 'tool error' };
  return { ok: true, data: body?.result?.structuredContent ?? body?.result };
}

function mcpDecider(base: string, token: string): Decide {
  return async (p, action) => {
    const r =
      action === 'resume'
        ? await mcpCall(base, token, 'resume_session', { pausedSessionId: p.id, note: 'cluster: carry on' })
        : action === 'abort'
          ? await mcpCall(base, token, 'abort_session', { pausedSessionId: p.id, reason: 'cluster: stop here' })
          : await mcpCall(base, token, 'restore_session', { pausedSessionId: p.id, ...(p.checkpointId ? { checkpointId: p.checkpointId } : {}), instruction: 'cluster: retry' });
    return r.ok ? { ok: true } : { ok: false, message: r.message };
  };
}

const ticks = { acknowledged: new Set<string>(), refused: 0, failures: 0 };

async function tickLoop(h: DbHandle, actor: Actor, itemIds: string[], stop: AbortSignal) {
  for (const itemId of itemIds) {
    if (stop.aborted) return;
    try {
      const r = await tickItem(h.db, { itemId }, actor);
      if (r.ok) ticks.acknowledged.add(itemId);
      else ticks.refused++;
    } catch {
      ticks.failures++;
    }
    await sleep(700);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Health of nginx and of each instance, every second

const health = {
  samples: 0,
  notOk: new Map<string, number>(),
  /** `status` values /api/health gave through nginx while the replica was down. */
  whileReplicaDown: new Map<string, number>(),
  replicaDown: false,
  hung: 0,
};

async function pollHealth(targets: () => Array<[string, string]>, stop: AbortSignal) {
  while (!stop.aborted) {
    const started = Date.now();
    await Promise.all(
      targets().map(async ([name, url]) => {
        let state: string;
        try {
          const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
          const body = (await res.json().catch(() => ({}))) as { status?: string };
          state = `${res.status} ${body.status ?? '?'}`;
        } catch (err) {
          state = errorKind(err);
          if (state === 'hung') {
            health.hung++;
            rec.hung.push(`GET ${name}/api/health at ${((started - clock.t0) / 1000).toFixed(1)} s: no answer within 10 s`);
          }
        }
        health.samples++;
        if (state !== '200 ok') bump(health.notOk, `${name}: ${state}`);
        if (name === 'nginx' && health.replicaDown) bump(health.whileReplicaDown, state);
      }),
    );
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Trials across instances

type LiveStream = { waitFor(sessionId: string, after: number, ms: number): Promise<number | null>; close(): void; errors: number };

/** /api/live on `base` with `cookie`: resolves, for a session id, the arrival time of its next event. Reconnects. */
function openLiveStream(base: string, cookie: string, stop: AbortSignal): LiveStream {
  const arrivals = new Map<string, number[]>();
  const waiters = new Set<{ sessionId: string; after: number; resolve: (t: number) => void }>();
  const controller = new AbortController();
  stop.addEventListener('abort', () => controller.abort(), { once: true });
  const stream: LiveStream = {
    errors: 0,
    close: () => controller.abort(),
    waitFor(sessionId, after, ms) {
      const seen = (arrivals.get(sessionId) ?? []).find((t) => t >= after);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const w = { sessionId, after, resolve: (t: number) => (clearTimeout(timer), waiters.delete(w), resolve(t)) };
        const timer = setTimeout(() => (waiters.delete(w), resolve(null)), ms);
        waiters.add(w);
      });
    },
  };
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`${base}/api/live`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
        if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}`);
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body) {
          const now = Date.now();
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!line.startsWith('data:')) continue;
            const e = JSON.parse(line.slice(5)) as { sessionId?: string };
            if (!e.sessionId) continue;
            const list = arrivals.get(e.sessionId) ?? [];
            list.push(now);
            arrivals.set(e.sessionId, list.slice(-20));
            for (const w of waiters) if (w.sessionId === e.sessionId && now >= w.after) w.resolve(now);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
        stream.errors++;
      }
      await sleep(500);
    }
  })();
  return stream;
}

const live = { trials: 0, latencies: [] as number[], missed: 0, failures: [] as string[] };
const trialSessions = new Set<string>();

/** A pause made on A, then a resume sent to A over MCP; the time until C's stream shows the session's event. */
async function liveTrial(a: AppProcess, stream: LiveStream, agentToken: string, personToken: string, n: number) {
  const agent = createClient({ baseUrl: a.url, token: agentToken, maxRetries: 2, timeoutMs: 10_000 });
  const { session } = await agent.createSession({ project: 'cluster-trials', agent: 'live-probe', externalId: `live-trial-${n}-${Date.now()}` });
  trialSessions.add(session.id);
  const { pause } = await agent.pause(session.id, { reason: 'cross-instance live update trial', pauseType: 'manual' });
  await sleep(300); // the pause's own event has reached C's stream by now (or is excluded by `after` below)
  const sent = Date.now();
  live.trials++;
  const resumed = await mcpCall(a.url, personToken, 'resume_session', { pausedSessionId: pause.id, note: 'trial' });
  if (!resumed.ok) {
    live.failures.push(`trial ${n}: resume refused: ${resumed.message}`);
    return;
  }
  const arrived = await stream.waitFor(session.id, sent, 10_000);
  if (arrived === null) {
    live.missed++;
    live.failures.push(`trial ${n}: no event for session ${session.id} on the other instance within 10 s`);
  } else live.latencies.push(arrived - sent);
}

/** A revoked token is refused by another instance within this bound (it hears the revocation's NOTIFY). */
const REVOCATION_BAR_MS = 1_000;
const revocation = { trials: 0, delays: [] as number[], neverRefused: 0, failures: [] as string[] };

/** A token used on C (so C caches it), revoked with the console's command on the primary; time until C says 401. */
async function revocationTrial(setup: DbHandle, c: AppProcess, adminId: string, n: number) {
  const { token, record } = await createApiToken(setup.db, { name: `revocation-probe-${n}`, scopes: ['read'] });
  const probe = async () =>
    (await fetch(`${c.url}/api/v1/sessions/00000000-0000-4000-8000-000000000000/checkpoints`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    })).status;
  const before = await probe();
  if (before === 401) {
    revocation.failures.push(`trial ${n}: a fresh token was refused before its revocation`);
    return;
  }
  revocation.trials++;
  await revokeApiToken(setup.db, { id: record.id, revokedBy: adminId });
  const revokedAt = Date.now();
  while (Date.now() - revokedAt < TOKEN_CACHE_TTL_MS + 10_000) {
    if ((await probe().catch(() => 0)) === 401) {
      revocation.delays.push(Date.now() - revokedAt);
      return;
    }
    await sleep(100);
  }
  revocation.neverRefused++;
  revocation.failures.push(`trial ${n}: still accepted ${fmtS(TOKEN_CACHE_TTL_MS + 10_000)} after its revocation`);
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

const faults: Array<{ at: number; what: string }> = [];
const fault = (what: string) => {
  faults.push({ at: Date.now() - clock.t0, what });
  log(`FAULT ${what}`);
};

// ---------------------------------------------------------------------------------------------------------------
// Reconcile and report

type PassReport = PassVerdict;

async function reconcileJobs(admin: postgres.Sql, window: { from: number; to: number }) {
  const rows = await admin<Array<{ job: string; slot: Date; instance: string; started_at: Date; finished_at: Date | null; error: string | null }>>`
    SELECT job, slot, instance, started_at, finished_at, error FROM job_runs`;
  const runs: PassRun[] = rows.map((r) => ({
    job: r.job,
    slot: r.slot.getTime(),
    instance: r.instance,
    startedAt: r.started_at.getTime(),
    finishedAt: r.finished_at?.getTime() ?? null,
    error: r.error,
  }));
  const passes: PassReport[] = passJobs.map(([job, everyMs]) => judgePasses(job, everyMs, runs, window));
  const [hours] = await admin<[{ hours: number }]>`
    SELECT coalesce(sum(h.v::int), 0)::int AS hours
    FROM job_runs j CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(j.result->'hours') = 'object' THEN j.result->'hours' ELSE '{}'::jsonb END) AS h(k, v)
    WHERE j.job = 'refresh-rollups' AND j.error IS NULL`;
  const [marks] = await admin<[{ marks: number }]>`
    SELECT coalesce(sum((result->>'marks')::int), 0)::int AS marks FROM job_runs WHERE job = 'refresh-rollups' AND error IS NULL`;
  const deliveries = await admin<Array<{ id: number; status: string }>>`
    SELECT id::int, status FROM notification_deliveries WHERE channel = 'webhook'`;
  const outbox = judgeDeliveries(deliveries, received);
  // Roll-ups = raw after a final catch-up (the instances are stopped; the run folds what they left marked).
  const [sums] = await admin<[{ rolled: number; raw: number; rolled_pauses: number; raw_pauses: number }]>`
    SELECT (SELECT coalesce(sum(executions), 0) FROM tool_execution_hours)::int AS rolled,
           (SELECT count(*) FROM user_tool_history)::int AS raw,
           (SELECT coalesce(sum(pauses), 0) FROM intervention_hours)::int AS rolled_pauses,
           (SELECT count(*) FROM paused_sessions)::int AS raw_pauses`;
  const [checked] = await admin<[{ n: number }]>`SELECT count(*)::int AS n FROM checklist_items WHERE checked AND id = ANY(${[...ticks.acknowledged]}::uuid[])`;
  return { passes, rollupHours: { hours: hours.hours, marks: marks.marks }, outbox, sums, ticksStored: checked.n };
}

function table(rows: Array<[string, string]>) {
  return ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function writeDoc(generated: string) {
  const begin = '<!-- cluster:generated:begin -->';
  const end = '<!-- cluster:generated:end -->';
  const block = `${begin}\n${generated}\n${end}`;
  const current = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
  const next =
    current.includes(begin) && current.includes(end)
      ? current.slice(0, current.indexOf(begin)) + block + current.slice(current.indexOf(end) + end.length)
      : `# Cluster run: ${instances} instances behind nginx, a streaming replica\n\n${block}\n\n## Reading\n\n(to be written)\n`;
  fs.writeFileSync(outFile, next);
}

// ---------------------------------------------------------------------------------------------------------------

runCli(async () => {
  if (hasFlag('help')) {
    console.log('usage: npm run cluster -- --instances 3 --minutes M [--agents 12] [--base-port 4200]');
    return;
  }
  if (!Number.isInteger(instances) || instances < 2 || instances > 8) throw new Error('--instances must be an integer from 2 to 8');
  if (!(minutes >= 1)) throw new Error('--minutes must be a number ≥ 1');
  if (!Number.isInteger(agents) || agents < 1 || agents > 200) throw new Error('--agents must be an integer from 1 to 200');
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000) throw new Error('--base-port must be a port number');
  if (!ensureNginx()) throw new Error(nginxMissing());
  ensureBuild({ allowBuild: false });

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd-cluster-'));
  primary = await startPgServer({ port: ports.primary });
  replica = await startPgReplica(primary, { port: ports.replica });
  log(`postgres primary :${primary.port}, streaming replica :${replica.port}`);
  const setup = await createDb({ url: primary.url, poolMax: 3, metricsFlushMs: 0, applicationName: 'cluster-setup' });
  await migrate(setup.db);
  const password = `cluster-${randomBytes(12).toString('base64url')}-Qz`;
  const created = await createUser(setup.db, { email: 'cluster-person@example.com', name: 'Cluster person', role: 'engineer', password });
  if (!created.ok) throw new Error(`could not create the person: ${created.reason}`);
  const admin = await createUser(setup.db, { email: 'cluster-admin@example.com', name: 'Cluster admin', role: 'admin', password });
  if (!admin.ok) throw new Error(`could not create the admin: ${admin.reason}`);
  const personUser = created.user;
  const { token: agentToken } = await createApiToken(setup.db, { name: 'cluster-agents', scopes: ['ingest', 'control', 'read'] });
  const { token: personToken } = await createApiToken(setup.db, { name: 'cluster-person-mcp', scopes: ['read', 'control'], createdBy: personUser.id });
  await setup.db.insert(notificationPreferences).values({ userId: personUser.id, channel: 'webhook', targetUrl: `http://127.0.0.1:${ports.sink}/hook` });
  const personActor: Actor = { kind: 'user', id: personUser.id, email: personUser.email, name: personUser.name, role: 'engineer', via: 'browser' };
  const checklist = await createChecklistFromMarkdown(
    setup.db,
    { title: 'Cluster run', markdown: `## Cluster run\n${Array.from({ length: 400 }, (_, i) => `- [ ] step ${i + 1}`).join('\n')}\n` },
    personActor,
  );
  if (!checklist.ok) throw new Error(`could not create the checklist: ${checklist.message}`);
  const itemIds = (await setup.sql!<Array<{ id: string }>>`SELECT id::text FROM checklist_items WHERE checklist_id = ${checklist.checklistId} ORDER BY position`).map((r) => r.id);

  sink = await startSink(ports.sink);
  const appEnv: Record<string, string> = {
    DATABASE_URL: primary.url,
    DATABASE_REPLICA_URLS: replica.url,
    APP_URL: `http://127.0.0.1:${ports.nginx}`,
    BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
    TRUSTED_PROXIES: '127.0.0.1',
    BACKGROUND_JOBS: '1',
    JOBS_INTERVAL_MS: String(intervals.jobs),
    ROLLUP_REFRESH_INTERVAL_MS: String(intervals.rollups),
    JOBS_MAINTENANCE_INTERVAL_MS: String(intervals.maintenance),
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    DB_POOL_MAX: '6',
    // Checkpoint retention keeps the last 50 per session by default: the reconcile must find every accepted one.
    CHECKPOINT_KEEP_LAST: '1000',
    DB_STATEMENT_TIMEOUT_MS: '15000',
    LOG_LEVEL: 'warn',
  };
  const appLog = (i: number) => path.join(tempDir!, `app-${i}.log`);
  const started = await Promise.all(Array.from({ length: instances }, (_, i) => startApp({ port: ports.app(i), env: appEnv, logFile: appLog(i), readyWithinMs: 120_000 })));
  started.forEach((a, i) => (apps[i] = a));
  nginx = await startNginx({ dir: path.join(tempDir, 'nginx'), port: ports.nginx, upstreams: started.map((a) => a.port) });
  log(`${instances} instances on :${started.map((a) => a.port).join(', :')} behind nginx on ${nginx.url}`);

  const cookie = await signInOverHttp(nginx.url, personUser.email, password);
  const A = started[0];
  const C = started[instances - 1];
  const victim = 1; // the instance stopped and started again: neither A nor C, so the trials measure A → C throughout

  clock.t0 = Date.now();
  const loadAtStart = loadAvg();
  const totalMs = minutes * 60_000;
  const stopAll = new AbortController();
  const stream = openLiveStream(C.url, cookie, stopAll.signal);
  const personDb = await createDb({ url: primary.url, poolMax: 2, metricsFlushMs: 0, applicationName: 'cluster-person' });
  const healthLoop = pollHealth(() => [['nginx', nginx!.url], ...apps.map((a, i): [string, string] => [`instance ${i + 1}`, a?.url ?? ''])].filter(([, u]) => u) as Array<[string, string]>, stopAll.signal);
  const person = personLoop(personDb, stopAll.signal, mcpDecider(nginx.url, personToken), (p) => trialSessions.has(p.sessionId));
  const ticker = tickLoop(personDb, personActor, itemIds, stopAll.signal);
  const sim = startSimulator({
    url: nginx.url,
    token: agentToken,
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

  // Trials: a live-update trial every 3 s, a revocation trial every 12 s, until the run's end.
  const trials = (async () => {
    for (let n = 1; Date.now() - clock.t0 < totalMs && !stopAll.signal.aborted; n++) {
      await liveTrial(A, stream, agentToken, personToken, n).catch((err) => live.failures.push(`trial ${n}: ${(err as Error).message}`));
      if (n % 4 === 0) await revocationTrial(setup, C, admin.user.id, n / 4).catch((err) => revocation.failures.push(`trial ${n / 4}: ${(err as Error).message}`));
      await sleep(3000);
    }
  })();

  // Faults: kill one instance at 25 % and start it 20 s later; stop the replica at 55 % for 25 s.
  const at = async (fraction: number) => {
    const wait = clock.t0 + fraction * totalMs - Date.now();
    if (wait > 0) await sleep(wait);
  };
  const faultRun = (async () => {
    await at(0.25);
    fault(`instance ${victim + 1} (:${ports.app(victim)}) killed (SIGKILL to its process group)`);
    await apps[victim]!.stop('SIGKILL');
    apps[victim] = undefined;
    await sleep(20_000);
    fault(`instance ${victim + 1} starting again`);
    apps[victim] = await startApp({ port: ports.app(victim), env: appEnv, logFile: appLog(victim), readyWithinMs: 120_000 });
    fault(`instance ${victim + 1} healthy again`);
    await at(0.55);
    fault('replica stopped (pg_ctl stop -m fast) for 25 s');
    health.replicaDown = true;
    await replica!.stop();
    await sleep(25_000);
    await replica!.start();
    health.replicaDown = false;
    fault('replica started again');
  })();

  await faultRun;
  await at(1);
  await trials;
  log('draining: waiting for open pauses to be answered (60 s bound)');
  for (let i = 0; i < 120 && rec.openPauseBySession.size > 0; i++) await sleep(500);
  await sim.stop();
  const collector = createClient({ baseUrl: nginx.url, token: agentToken, fetch: recordingFetch, maxRetries: 10, timeoutMs: requestTimeoutMs });
  for (const p of [...rec.openPauseBySession.values()]) await collector.waitForControl(p.sessionId, { timeoutMs: 30_000 }).catch(() => {});
  log('draining: waiting for the outbox to be delivered (60 s bound)');
  for (let i = 0; i < 120; i++) {
    const [left] = await setup.sql!<[{ n: number }]>`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending'`;
    if (left.n === 0) break;
    await sleep(500);
  }
  const durationMs = Date.now() - clock.t0;
  const window = { from: clock.t0, to: Date.now() };
  stopAll.abort();
  await Promise.all([healthLoop, person, ticker]);
  await personDb.close();
  for (const a of apps) await a?.stop('SIGTERM');
  await nginx.stop();
  const finalRollups = await catchUpRollups(setup.db);

  const adminSql = postgres(primary.url, { max: 1, onnotice: () => {}, connection: { application_name: 'cluster-admin' } });
  const r = await reconcileAccepted(adminSql);
  const j = await reconcileJobs(adminSql, window);
  await adminSql.end({ timeout: 2 });
  await setup.close();

  // -------------------------------------------------------------------------------------------------------------
  const statusErrors = [...rec.byStatus].filter(([s]) => Number(s) >= 400).sort();
  const pausesAnswered = [...rec.pauses.values()].filter((p) => p.answer).length;
  const passFails = j.passes.filter((p) => p.doubleRuns || p.overlaps || p.missed || p.unfinished > 1);
  const livePass = live.latencies.length > 0 && live.missed === 0 && pct(live.latencies, 95) <= LIVE_P95_BAR_MS;
  const revocationMax = Math.max(0, ...revocation.delays);
  const rows: Array<[string, string]> = [
    ['topology', `${instances} × next start behind nginx; primary + streaming replica; jobs every ${intervals.jobs / 1000} s, roll-ups every ${intervals.rollups / 1000} s, retention/partitions every ${intervals.maintenance / 1000} s, in every instance`],
    ['duration', `${fmtS(durationMs)}, ${agents} simulated agents through nginx`],
    ['requests (attempts)', `${rec.attempts} (${rec.calls} calls, ${rec.retries} retries, ${rec.replayed} idempotent replays)`],
    ['errors by status', statusErrors.length ? statusErrors.map(([s, n]) => `${s}: ${n}`).join(', ') : 'none'],
    ['errors by network', rec.network.size ? [...rec.network].map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'],
    ['calls the client gave up on', String(rec.gaveUp)],
    ['accepted', `${rec.events.size} events, ${rec.executions.size} tool executions, ${rec.checkpoints.size} checkpoints, ${rec.pauses.size} pauses, ${rec.sessions.size} sessions`],
    ['lost', `${sum(r.lost)}${sum(r.lost) ? ` (${JSON.stringify(r.lost)})` : ''}`],
    ['duplicated', `${sum(r.duplicated)}${sum(r.duplicated) ? ` (${JSON.stringify(r.duplicated)})` : ''}`],
    ['hung (no answer within the bound)', String(rec.hung.length)],
    ['pauses answered (person over MCP via nginx)', `${pausesAnswered} / ${rec.pauses.size}${r.pausesWrongAnswer.length ? `, ${r.pausesWrongAnswer.length} with the wrong decision` : ''}; person: ${personStats.answered} decisions, ${personStats.refused} refused, ${personStats.failures} failed rounds`],
    ['checklist ticks', `${ticks.acknowledged.size} acknowledged, ${j.ticksStored} stored, ${ticks.refused} refused, ${ticks.failures} failed`],
    ['latency per attempt', `p50 ${pct(rec.latencies, 50)} ms, p95 ${pct(rec.latencies, 95)} ms, p99 ${pct(rec.latencies, 99)} ms (long-polls excluded)`],
    ...j.passes.map((p): [string, string] => [
      `pass ${p.job} (every ${p.everyMs / 1000} s)`,
      `${p.runs} runs (${Object.entries(p.byInstance).map(([k, v]) => `${k.replace(/^[^:]*:/, ':')} ${v}`).join(', ')}); double-run ${p.doubleRuns}, overlapping ${p.overlaps}, intervals missed ${p.missed}, failed ${p.failed}, unfinished ${p.unfinished}`,
    ]),
    ['roll-up hours computed', `${j.rollupHours.hours} hour recomputations from ${j.rollupHours.marks} marks; final catch-up ${finalRollups.ok ? `${finalRollups.marks} marks` : 'busy'}; roll-ups = raw: tool runs ${j.sums.rolled} / ${j.sums.raw}, pauses ${j.sums.rolled_pauses} / ${j.sums.raw_pauses}`],
    ['outbox deliveries (webhook → local receiver)', `${j.outbox.rows} rows: ${j.outbox.once} received once, ${j.outbox.duplicated} duplicated, ${j.outbox.lost} not delivered, ${j.outbox.unknown} unknown`],
    ['live update A → C (resume over MCP on A, SSE on C)', `${live.latencies.length} / ${live.trials} trials: p50 ${pct(live.latencies, 50)} ms, p95 ${pct(live.latencies, 95)} ms, max ${Math.max(0, ...live.latencies)} ms; missed ${live.missed} (bar: p95 ≤ ${LIVE_P95_BAR_MS} ms${livePass ? '' : ' — MISS'})`],
    ['token revocation seen on C', `${revocation.delays.length} / ${revocation.trials} trials: p50 ${pct(revocation.delays, 50)} ms, max ${revocationMax} ms (cache TTL ${TOKEN_CACHE_TTL_MS} ms); never refused ${revocation.neverRefused}`],
    ['health while the replica was down (via nginx)', [...health.whileReplicaDown].map(([k, n]) => `${k}: ${n}`).join(', ') || 'no samples'],
    ['health samples not 200 ok', [...health.notOk].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'],
    ['postgres.js null-socket crashes (#1154)', `${driverCrashes.count} in the run's own connections`],
    ['machine', `${os.cpus().length} cores, load average ${loadAtStart} at the start, ${loadAvg()} at the end`],
  ];
  const checks: Array<[string, boolean]> = [
    ['lost 0', sum(r.lost) === 0],
    ['duplicated 0', sum(r.duplicated) === 0],
    ['no hung request', rec.hung.length === 0],
    ['every pause got its answer (the one the person gave)', r.pausesUnanswered.length === 0 && r.pausesWrongAnswer.length === 0],
    ['every checklist tick acknowledged is stored', j.ticksStored === ticks.acknowledged.size],
    ['every interval pass ran once per interval (no double run, no overlap, no interval missed)', passFails.length === 0],
    ['every outbox delivery received exactly once', j.outbox.lost === 0 && j.outbox.duplicated === 0 && j.outbox.unknown === 0 && j.outbox.rows > 0],
    ['roll-ups = raw after the final catch-up', j.sums.rolled === j.sums.raw && j.sums.rolled_pauses === j.sums.raw_pauses],
    [`live update across instances: every trial arrived, p95 ≤ ${LIVE_P95_BAR_MS} ms`, livePass],
    // The NOTIFY reaches C in milliseconds (lib/auth/tokens.ts); the cache TTL is only the fallback.
    [`revocation seen on another instance within ${REVOCATION_BAR_MS} ms (NOTIFY; cache TTL ${TOKEN_CACHE_TTL_MS} ms is the fallback)`, revocation.trials > 0 && revocation.neverRefused === 0 && revocationMax <= REVOCATION_BAR_MS],
    ['health said degraded (not unavailable) while the replica was down', [...health.whileReplicaDown.keys()].some((k) => k === '200 degraded') && ![...health.whileReplicaDown.keys()].some((k) => k.startsWith('503'))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('');
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('');
  for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  const details = [...r.details, ...j.passes.flatMap((p) => p.details), ...j.outbox.details, ...live.failures, ...revocation.failures];
  const appErrors = apps.map((_, i) => summariseAppLog(appLog(i), `cluster-app-${i + 1}.log`));
  writeDoc(
    [
      `Written by \`npm run cluster -- --instances ${instances} --minutes ${minutes}\` on ${new Date().toISOString()}.`,
      '',
      table(rows),
      '',
      '### Checks',
      '',
      ...checks.map(([what, ok]) => `- ${ok ? 'PASS' : 'FAIL'}: ${what}`),
      '',
      '### Fault timeline',
      '',
      ...faults.map((f) => `- ${(f.at / 1000).toFixed(1)} s: ${f.what}`),
      '',
      ...(details.length ? ['### Findings', '', ...details.slice(0, 60).map((d) => `- ${d}`), ''] : []),
      '### App errors logged (by message, first line)',
      '',
      ...appErrors.flatMap((list, i) => (list.length ? list.map(([what, n]) => `- instance ${i + 1}: ${what}: ${n}`) : [`- instance ${i + 1}: none`])),
    ].join('\n'),
  );
  console.log(`\nwritten to ${path.relative(process.cwd(), outFile)}`);
  cleanup();
  if (checks.some(([, ok]) => !ok)) {
    process.exitCode = 1;
    throw new Error('the cluster run failed: see the checks above');
  }
});
