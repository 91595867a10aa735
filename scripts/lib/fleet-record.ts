import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type postgres from 'postgres';
import type { ControlDecision } from '@/lib/api-client';
import type { Actor } from '@/lib/auth/actor';
import type { Db, DbHandle } from '@/lib/db/client';
import { pausedSessions } from '@/lib/db/schema';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { restoreFromPause } from '@/lib/checkpoints/restore-from-pause';
import { hasFlag } from '../cli';
import { judgeIds } from './reconcile-rules';

/**
 * What a fleet run (npm run soak, npm run cluster) records and checks: every agent attempt goes through
 * `recordingFetch`, which counts it and records what the API answered as accepted (event and tool-execution ids,
 * checkpoints, pauses and the decision each got); `reconcileAccepted` checks that record against the database
 * (lost, duplicated, pauses unanswered or answered wrongly). A person answers pauses (`personLoop`). One run per
 * process: the record is this module's state.
 */

/** Start of the run proper (reset once the app is up: a build before it must not eat the fault schedule). */
export const clock = { t0: Date.now() };
const since = () => ((Date.now() - clock.t0) / 1000).toFixed(1).padStart(6);
export const log = (line: string) => console.log(`${since()}s ${line}`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

// ---------------------------------------------------------------------------------------------------------------
// What the agents were told

export type PauseRecord = { pauseId: string; sessionId: string; acceptedAt: number; answer?: ControlDecision['action']; answeredAt?: number };

export const rec = {
  calls: 0,
  attempts: 0,
  retries: 0,
  replayed: 0,
  byStatus: new Map<string, number>(),
  network: new Map<string, number>(),
  hung: [] as string[],
  abortedAtStop: 0,
  gaveUp: 0,
  latencies: [] as number[],
  slowest: [] as Array<{ ms: number; what: string }>,
  lastOk: 0,
  longestApiGapMs: 0,
  sessions: new Map<string, string>(), // session id → external id
  events: new Set<string>(),
  executions: new Set<string>(),
  checkpoints: new Map<string, { id: string; sessionId: string; sequence: number }>(), // soak call key → answer
  pauses: new Map<string, PauseRecord>(), // soak call key → pause
  openPauseBySession: new Map<string, PauseRecord>(),
  lateAnswers: 0,
};

export const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
export const routeOf = (p: string) => p.replace(uuidPattern, ':id');

type Call = { key: string; attempts: number };
const callsByHeaders = new WeakMap<object, Call>();

/** Marks a checkpoint's / pause's body with the logical call's key (the same on every retry), for the duplicate check. */
function markBody(route: string, body: string | undefined, key: string) {
  if (!body) return body;
  if (route === '/api/v1/sessions/:id/checkpoints') {
    const b = JSON.parse(body);
    return JSON.stringify({ ...b, metricsSnapshot: { ...b.metricsSnapshot, soakCall: key } });
  }
  if (route === '/api/v1/sessions/:id/pause') {
    const b = JSON.parse(body);
    return JSON.stringify({ ...b, context: { ...b.context, soak_call: key } });
  }
  return body;
}

export function errorKind(err: unknown): 'hung' | 'aborted' | string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'hung';
  if (e?.name === 'AbortError') return 'aborted';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'unknown';
}

/** The agents' fetch: counts every attempt and records what the API accepted. */
export const recordingFetch: typeof fetch = async (input, init = {}) => {
  const url = new URL(String(input));
  const route = routeOf(url.pathname);
  const method = init.method ?? 'GET';
  const headers = (init.headers ?? {}) as Record<string, string>;
  let call = callsByHeaders.get(headers);
  if (!call) {
    call = { key: headers['idempotency-key'] ?? randomUUID(), attempts: 0 };
    callsByHeaders.set(headers, call);
    rec.calls++;
  } else rec.retries++;
  call.attempts++;
  rec.attempts++;
  const body = markBody(route, init.body as string | undefined, call.key);
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(input, { ...init, body });
    text = await res.text();
  } catch (err) {
    const kind = errorKind(err);
    if (kind === 'hung') rec.hung.push(`${method} ${route} after ${Date.now() - started} ms`);
    else if (kind === 'aborted') rec.abortedAtStop++;
    else bump(rec.network, kind);
    throw err;
  }
  if (route !== '/api/v1/sessions/:id/control') {
    const ms = Date.now() - started;
    rec.latencies.push(ms);
    rec.slowest.push({ ms, what: `${method} ${route} → ${res.status} at ${((started - clock.t0) / 1000).toFixed(1)} s` });
    rec.slowest = rec.slowest.sort((a, b) => b.ms - a.ms).slice(0, 8);
  }
  bump(rec.byStatus, String(res.status));
  if (res.headers.get('idempotent-replayed') === 'true') rec.replayed++;
  if (res.ok) {
    const now = Date.now();
    if (rec.lastOk) rec.longestApiGapMs = Math.max(rec.longestApiGapMs, now - rec.lastOk);
    rec.lastOk = now;
    recordAccepted(method, route, url, body, JSON.parse(text || 'null'), call.key);
  }
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
};

type Answer = {
  session: { id: string; externalId: string | null };
  received: number;
  id: string;
  sequence: number;
  pause: { id: string };
  decision: ControlDecision;
};

function recordAccepted(method: string, route: string, url: URL, body: string | undefined, data: Answer, key: string) {
  const sessionId = (url.pathname.match(uuidPattern) ?? [])[0];
  const items = () => {
    const b = JSON.parse(body ?? 'null');
    return (Array.isArray(b) ? b : [b]) as Array<Record<string, string>>;
  };
  if (method === 'POST' && route === '/api/v1/sessions') rec.sessions.set(data.session.id, data.session.externalId ?? '');
  else if (method === 'POST' && route === '/api/v1/events') {
    const list = items();
    if (data.received !== list.length) throw new Error(`events: sent ${list.length}, the API says it received ${data.received}`);
    for (const e of list) rec.events.add(e.eventId);
  } else if (method === 'POST' && route === '/api/v1/tool-executions') {
    for (const e of items()) rec.executions.add(e.executionId);
  } else if (method === 'POST' && route === '/api/v1/sessions/:id/checkpoints') {
    rec.checkpoints.set(key, { id: data.id, sessionId: sessionId!, sequence: data.sequence });
  } else if (method === 'POST' && route === '/api/v1/sessions/:id/pause') {
    const p: PauseRecord = { pauseId: data.pause.id, sessionId: sessionId!, acceptedAt: Date.now() };
    rec.pauses.set(key, p);
    rec.openPauseBySession.set(sessionId!, p);
  } else if (method === 'GET' && route === '/api/v1/sessions/:id/control') {
    const decision = data.decision;
    const open = rec.openPauseBySession.get(sessionId!);
    if (open && decision.action !== 'wait') {
      open.answer = decision.action;
      open.answeredAt = Date.now();
      rec.openPauseBySession.delete(sessionId!);
    }
  }
}

// The person answering pauses

export type PersonAction = 'resume' | 'abort' | 'restore';
export type OpenPause = { id: string; sessionId: string; checkpointId: string | null };
/** Makes the person's decision; `ok: false` with a message for a refusal (already answered…). */
export type Decide = (pause: OpenPause, action: PersonAction) => Promise<{ ok: true } | { ok: false; message: string }>;

const consolePerson: Actor = { kind: 'user', id: 'soak-person', email: 'soak-person@flightdeck.local', name: 'Soak person', role: 'engineer', via: 'browser' };

/** The console's own commands on `db`, as its buttons call them (the soak's person). */
export function commandDecider(db: Db): Decide {
  return (p, action) =>
    action === 'resume'
      ? resumeSession(db, { pausedSessionId: p.id, note: 'soak: carry on' }, consolePerson)
      : action === 'abort'
        ? abortSession(db, { pausedSessionId: p.id, reason: 'soak: stop here' }, consolePerson)
        : restoreFromPause(db, { pausedSessionId: p.id, checkpointId: p.checkpointId, instruction: 'soak: retry' }, consolePerson);
}

export const decided = new Map<string, PersonAction>();
export const personStats = { answered: 0, refused: 0, failures: 0 };

/**
 * Every 500 ms: the open pauses (read from `h`, skipping those `skip` names), each answered 60 % resume, 20 %
 * restore, 20 % abort through `decide`, once the pause is 1.5 s old (the agent has reached its long-poll).
 */
export async function personLoop(h: DbHandle, stop: AbortSignal, decide: Decide = commandDecider(h.db), skip: (p: OpenPause) => boolean = () => false) {
  while (!stop.aborted) {
    try {
      const open = await h.db.select().from(pausedSessions).where(eq(pausedSessions.resolved, false));
      for (const p of open) {
        if (Date.now() - p.pausedAt.getTime() < 1500 || skip(p)) continue;
        const r = Math.random();
        const action: PersonAction = r < 0.6 ? 'resume' : r < 0.8 ? 'restore' : 'abort';
        const result = await decide(p, action);
        if (!result.ok) {
          personStats.refused++;
          log(`person: ${action} of ${p.id.slice(0, 8)} refused: ${result.message}`);
        } else {
          decided.set(p.id, action);
          personStats.answered++;
        }
      }
    } catch {
      // The server is down or a backend was killed: try again on the next round.
      personStats.failures++;
    }
    await sleep(500);
  }
}

/** A production build newer than every source; `allowBuild` false (a run under the heavy lock): a stale build is an error. */
export function ensureBuild(options: { allowBuild?: boolean } = {}) {
  const buildId = path.resolve('.next/BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const newer = (dir: string): boolean =>
    fs.existsSync(dir) &&
    fs.readdirSync(dir, { withFileTypes: true }).some((d) => {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) return !['node_modules', '.next'].includes(d.name) && newer(p);
      return /\.(tsx?|css|json|mjs)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) && fs.statSync(p).mtimeMs > built;
    });
  if (built && !hasFlag('build') && !['app', 'lib', 'components'].some((d) => newer(path.resolve(d)))) return;
  const why = built ? 'sources changed since the last build' : 'no production build';
  if (options.allowBuild === false) throw new Error(`${why}: run \`npx next build\` first (under the heavy lock)`);
  log(`${why}: building`);
  execFileSync('flock', ['/work/wt/build.lock', 'npx', 'next', 'build'], { stdio: 'inherit' });
}

/** Keeps the app's log (.test-data/<keptAs>) and counts its error lines by message. */
export function summariseAppLog(file: string, keptAs: string): Array<[string, number]> {
  if (!fs.existsSync(file)) return [];
  const kept = path.resolve('.test-data', keptAs);
  fs.mkdirSync(path.dirname(kept), { recursive: true });
  fs.copyFileSync(file, kept);
  const counts = new Map<string, number>();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!/failed|error|unavailable|uncaught/i.test(line) || /^\s+at /.test(line)) return;
    // "route handler failed <err>" prints the error on the same or the next line.
    const next = lines[i + 1] && !/^\s+at /.test(lines[i + 1]) ? ` / ${lines[i + 1].trim()}` : '';
    bump(counts, `${line.trim()}${/failed$/.test(line.trim()) ? next : ''}`.replace(uuidPattern, ':id').replace(/\d+/g, 'N').slice(0, 160));
  });
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 15);
}

export const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export type Reconciled = {
  lost: { events: number; executions: number; checkpoints: number; pauses: number; sessions: number };
  duplicated: { events: number; executions: number; checkpoints: number; pauses: number; sessions: number };
  pausesUnanswered: string[];
  pausesWrongAnswer: string[];
  details: string[];
};

export async function reconcileAccepted(admin: postgres.Sql): Promise<Reconciled> {
  const details: string[] = [];
  const lost = { events: 0, executions: 0, checkpoints: 0, pauses: 0, sessions: 0 };
  const duplicated = { events: 0, executions: 0, checkpoints: 0, pauses: 0, sessions: 0 };

  const countIds = async (table: string, column: string, ids: string[]) => {
    const counts = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await admin.unsafe<{ id: string; n: number }[]>(
        `SELECT ${column}::text AS id, count(*)::int AS n FROM ${table} WHERE ${column} = ANY($1::uuid[]) GROUP BY 1`,
        [ids.slice(i, i + 5000)],
      );
      for (const r of rows) counts.set(r.id, r.n);
    }
    return counts;
  };
  const check = async (what: keyof typeof lost, table: string, column: string, ids: string[]) => {
    const r = judgeIds(what, ids, await countIds(table, column, ids));
    lost[what] += r.lost;
    duplicated[what] += r.duplicated;
    details.push(...r.details);
  };
  await check('events', 'execution_events', 'event_id', [...rec.events]);
  await check('executions', 'user_tool_history', 'execution_id', [...rec.executions]);
  await check('sessions', 'agent_sessions', 'id', [...rec.sessions.keys()]);

  // Sessions: one per external id.
  const extIds = [...rec.sessions.values()];
  const sessionDupes = await admin<{ external_id: string; n: number }[]>`
    SELECT external_id, count(*)::int AS n FROM agent_sessions WHERE external_id = ANY(${extIds}) GROUP BY 1 HAVING count(*) > 1`;
  for (const d of sessionDupes) {
    duplicated.sessions += d.n - 1;
    details.push(`duplicated session: external id ${d.external_id} ×${d.n}`);
  }

  // Checkpoints: every accepted one is there with its sequence; no logical call stored twice.
  const cpRows = await admin<{ id: string; session_id: string; sequence: number; call: string | null }[]>`
    SELECT id::text, session_id::text, sequence, metrics_snapshot->>'soakCall' AS call FROM session_checkpoints`;
  const cpById = new Map(cpRows.map((r) => [r.id, r]));
  const cpPerCall = new Map<string, number>();
  for (const r of cpRows) if (r.call) cpPerCall.set(r.call, (cpPerCall.get(r.call) ?? 0) + 1);
  for (const [call, c] of rec.checkpoints) {
    const row = cpById.get(c.id);
    if (!row || row.session_id !== c.sessionId || row.sequence !== c.sequence) {
      lost.checkpoints++;
      details.push(`lost checkpoint: ${c.id} (#${c.sequence} of ${c.sessionId})${row ? ` stored as #${row.sequence}` : ''}`);
    }
    const n = cpPerCall.get(call) ?? 0;
    if (n > 1) {
      duplicated.checkpoints += n - 1;
      details.push(`duplicated checkpoint: call ${call} stored ×${n}`);
    }
  }

  // Pauses: there once, resolved, and the agent received the decision the person made.
  const pRows = await admin<{ id: string; call: string | null; resolved: boolean; resolution: string | null }[]>`
    SELECT id::text, context->>'soak_call' AS call, resolved, resolution FROM paused_sessions`;
  const pById = new Map(pRows.map((r) => [r.id, r]));
  const pPerCall = new Map<string, number>();
  for (const r of pRows) if (r.call) pPerCall.set(r.call, (pPerCall.get(r.call) ?? 0) + 1);
  const pausesUnanswered: string[] = [];
  const pausesWrongAnswer: string[] = [];
  const expected: Record<string, ControlDecision['action']> = { resumed: 'resume', aborted: 'abort', restored: 'restore' };
  for (const [call, p] of rec.pauses) {
    const row = pById.get(p.pauseId);
    if (!row) {
      lost.pauses++;
      details.push(`lost pause: ${p.pauseId}`);
      continue;
    }
    const n = pPerCall.get(call) ?? 0;
    if (n > 1) {
      duplicated.pauses += n - 1;
      details.push(`duplicated pause: call ${call} stored ×${n}`);
    }
    if (!row.resolved || !p.answer) {
      pausesUnanswered.push(p.pauseId);
      details.push(`unanswered pause: ${p.pauseId} (resolved in db: ${row.resolved}, agent saw: ${p.answer ?? 'nothing'})`);
    } else if (expected[row.resolution ?? ''] !== p.answer) {
      pausesWrongAnswer.push(p.pauseId);
      details.push(`pause ${p.pauseId}: resolved as ${row.resolution}, the agent was told ${p.answer}`);
    }
  }
  return { lost, duplicated, pausesUnanswered, pausesWrongAnswer, details };
}

export function sum(o: Record<string, number>) {
  return Object.values(o).reduce((a, b) => a + b, 0);
}

/**
 * A fleet run's process guards: `cleanup` on exit, on SIGINT/SIGTERM (exit 130) and on an uncaught exception
 * (exit 1) — except postgres.js 3.4.9's throw from a setImmediate write after its socket closed
 * (porsager/postgres#1154, #1208; unfixed upstream): uncatchable, it would end the run at a server restart. Like
 * `next start` does for the app (it logs uncaught exceptions and keeps serving), the run logs and counts exactly
 * this one and survives it.
 */
export const driverCrashes = { count: 0 };

export function installProcessGuards(what: string, cleanup: () => void) {
  process.on('exit', cleanup);
  process.on('uncaughtException', (err) => {
    if (err instanceof TypeError && /reading 'write'/.test(err.message) && /postgres\/src\/connection\.js/.test(err.stack ?? '')) {
      driverCrashes.count++;
      log(`postgres.js null-socket write in the run's own connections (porsager/postgres#1154), survived`);
      return;
    }
    console.error(err);
    cleanup();
    process.exit(1);
  });
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    process.once(s, () => {
      console.error(`\n${s}: stopping ${what}`);
      cleanup();
      process.exit(130);
    });
  }
}
