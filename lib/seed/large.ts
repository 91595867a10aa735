import { sql } from 'drizzle-orm';
import { recoveryAbandonedReason } from '@/lib/checkpoints/abandon-reason';
import { queryRows, type Db } from '@/lib/db/client';
import { pauseTypes } from '@/lib/db/schema';
import { engineers, projects, recoveryErrors, tools } from './catalog';
import { seedChecklists } from './checklists';
import { seedRetryLog } from './demo';
import { Prng } from './prng';

/**
 * The large scale, written as INSERT … SELECT FROM generate_series so Postgres builds the rows itself (no
 * round trip per row). Every value is a pure function of the row number through hashint8, so the same scale
 * gives the same data on every run, and children find their parent's id by recomputing it (md5 → uuid v4) instead
 * of looking it up. Session n's status follows from its bucket (n-1) % 100, which lets pauses and recoveries
 * pick sessions of the right status by arithmetic alone.
 */
export const largeTargets = {
  sessions: 100_000,
  events: 1_000_000,
  tools: 1_000_000,
  checkpoints: 100_000,
  pauses: 20_000,
  recoveries: 10_000,
};

/** Issue 18.5: ten times `large` (half as many tool executions per session), the same shapes and proportions. */
export const xlargeTargets = {
  sessions: 1_000_000,
  events: 10_000_000,
  tools: 5_000_000,
  checkpoints: 1_000_000,
  pauses: 200_000,
  recoveries: 100_000,
};

export type LargeTargets = typeof largeTargets;

const OPEN_PAUSE_BUCKETS = 4; // buckets 0..3 are paused: 4 % of the sessions have an open pause

/** Derived sizes: sessions 1..cpSessions have a checkpoint; 1..(checkpoints - cpSessions) have a second one. */
function shape(t: LargeTargets) {
  return {
    t,
    sessions: t.sessions,
    cpSessions: (t.sessions * 6) / 10,
    resolvedPauses: t.pauses - (t.sessions / 100) * OPEN_PAUSE_BUCKETS,
    eventsPerSession: t.events / t.sessions,
  };
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (items: readonly string[]) => `ARRAY[${items.map(lit).join(',')}]::text[]`;
const numArray = (items: readonly number[]) => `ARRAY[${items.join(',')}]::float8[]`;

/** Uniform [0,1) from a row number and a salt: deterministic, stateless, cheap. */
const rnd = (expr: string, salt: number) =>
  `((hashint8(((${expr})::bigint) * 1000003 + ${salt}) & 2147483647)::float8 / 2147483648.0)`;

/** A deterministic uuid from a text key, shaped as version 4 / RFC variant so strict validators (zod) accept it. */
const uuidOf = (key: string) =>
  `overlay(overlay(md5(${key}) placing '4' from 13) placing '8' from 17)::uuid`;

type Ctx = { db: Db; prefix: string; now: string; log: (line: string) => void; z: ReturnType<typeof shape> };

const sessionId = (c: Ctx, g: string) => uuidOf(`${lit(`${c.prefix}s`)} || (${g})`);
const checkpointId = (c: Ctx, i: string) => uuidOf(`${lit(`${c.prefix}c`)} || (${i})`);
/** The latest checkpoint of session g (only for g <= c.z.cpSessions). */
const latestCheckpointId = (c: Ctx, g: string) =>
  checkpointId(c, `CASE WHEN (${g}) <= ${c.z.t.checkpoints - c.z.cpSessions} THEN (${g}) + ${c.z.cpSessions} ELSE (${g}) END`);

/**
 * `CROSS JOIN LATERAL` columns for session g: k (bucket), status, s_at (start) and e_at (end, or last heartbeat
 * for live sessions). Terminal sessions spread over 30 days; live ones are recent.
 */
function sessionFrame(c: Ctx, g: string) {
  return `CROSS JOIN LATERAL (SELECT ((${g}) - 1) % 100 AS k, ${rnd(g, 1)} AS r1, ${rnd(g, 2)} AS r2) sk
  CROSS JOIN LATERAL (SELECT
    CASE WHEN sk.k < ${OPEN_PAUSE_BUCKETS} THEN 'paused'
         WHEN sk.k = 4 AND (${g}) <= ${c.z.cpSessions} THEN 'recovering'
         WHEN sk.k < 15 THEN 'running'
         WHEN sk.k < 70 THEN 'completed'
         WHEN sk.k < 85 THEN 'failed'
         ELSE 'aborted' END AS status,
    CASE WHEN sk.k < ${OPEN_PAUSE_BUCKETS} THEN ${c.now} - sk.r2 * interval '2 days'
         ELSE ${c.now} - sk.r2 * interval '2 minutes' END AS live_end,
    ${c.now} - interval '8 hours' - sk.r1 * interval '29 days 16 hours' AS term_start) sf
  CROSS JOIN LATERAL (SELECT
    CASE WHEN sk.k < 15 THEN sf.live_end - interval '10 minutes' - sk.r1 * interval '3 days' ELSE sf.term_start END AS s_at,
    CASE WHEN sk.k < 15 THEN sf.live_end ELSE sf.term_start + interval '5 minutes' + sk.r2 * interval '6 hours' END AS e_at) st`;
}

async function bulk(c: Ctx, label: string, statement: string): Promise<number> {
  const started = Date.now();
  // Bulk statements run longer than the app's statement timeout; lift it for this transaction only.
  const count = await c.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    const rows = await queryRows<{ n: number }>(tx as unknown as Db, sql.raw(`WITH ins AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM ins`));
    return Number(rows[0]?.n ?? 0);
  });
  c.log(`  ${label.padEnd(34)} ${String(count).padStart(9)} rows  ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return count;
}

const allAgents = projects.flatMap((p) => p.agents);
const allTasks = projects.flatMap((p) => p.tasks);

function insertSessions(c: Ctx, from: number, to: number) {
  const failures = ['unrecoverable tool error: sandbox out of memory', ...recoveryErrors];
  return bulk(
    c,
    `agent_sessions ${from}..${to}`,
    `INSERT INTO agent_sessions (id, project, agent_name, external_id, status, current_task, metadata, error, started_at, ended_at, last_heartbeat_at)
     SELECT ${sessionId(c, 'g')},
       (${textArray(projects.map((p) => p.name))})[1 + g % 4],
       (${textArray(allAgents)})[1 + (g % 4) * 3 + floor(${rnd('g', 3)} * 3)::int],
       ${lit(c.prefix)} || g,
       sf.status,
       (${textArray(allTasks)})[1 + floor(${rnd('g', 4)} * ${allTasks.length})::int],
       jsonb_build_object('seeded', 'large', 'end_user', 'u-' || lpad((1 + g % 40)::text, 3, '0'), 'conversation_id', 'conv-' || ${lit(c.prefix)} || g),
       CASE WHEN sf.status = 'failed' THEN (${textArray(failures)})[1 + g % ${failures.length}] END,
       st.s_at,
       CASE WHEN sk.k >= 15 THEN st.e_at END,
       st.e_at
     FROM generate_series(${from}, ${to}) AS g ${sessionFrame(c, 'g')}`,
  );
}

function insertCheckpoints(c: Ctx) {
  const weights: [string, number][] = [
    ['task_completion', 0.4],
    ['periodic', 0.35],
    ['pre_intervention', 0.1],
    ['manual', 0.08],
    ['error', 0.07],
  ];
  let acc = 0;
  const typeCase = `CASE ${weights
    .slice(0, -1)
    .map(([t, w]) => `WHEN ${rnd('x.i', 11)} < ${(acc += w).toFixed(2)} THEN ${lit(t)}`)
    .join(' ')} ELSE ${lit(weights[weights.length - 1][0])} END`;
  return bulk(
    c,
    'session_checkpoints',
    `INSERT INTO session_checkpoints (id, session_id, sequence, checkpoint_type, conversation_history, current_task_id,
        message_count, completed_tasks, metrics_snapshot, size_bytes, content_hash, is_valid, invalidated_at, invalidation_reason, created_at)
     SELECT ${checkpointId(c, 'x.i')}, ${sessionId(c, 'x.g')}, x.seq, ${typeCase}, x.h, 'task-' || x.seq, 3 * x.seq,
       to_jsonb(ARRAY(SELECT 'task-' || t FROM generate_series(1, x.seq - 1) t)),
       jsonb_build_object('tool_calls', x.seq * 7, 'tokens_used', x.seq * 4200, 'cost_usd', round(x.seq * 0.37, 2)),
       octet_length(x.h::text), encode(sha256(convert_to(x.h::text, 'UTF8')), 'hex'),
       ${rnd('x.i', 12)} >= 0.05,
       CASE WHEN ${rnd('x.i', 12)} < 0.05 THEN st.s_at + (st.e_at - st.s_at) * (x.seq / 3.0) + interval '1 minute' END,
       CASE WHEN ${rnd('x.i', 12)} < 0.05 THEN 'superseded by restore' END,
       st.s_at + (st.e_at - st.s_at) * (x.seq / 3.0)
     FROM (
       SELECT i, ((i - 1) % ${c.z.cpSessions}) + 1 AS g, (i - 1) / ${c.z.cpSessions} + 1 AS seq,
         jsonb_build_array(
           jsonb_build_object('role', 'user', 'content', (${textArray(allTasks)})[1 + i % ${allTasks.length}]),
           jsonb_build_object('role', 'assistant', 'content', 'Working on step ' || ((i - 1) / ${c.z.cpSessions} + 1),
             'tool_calls', jsonb_build_array(jsonb_build_object('name', (${textArray(tools.map((t) => t.name))})[1 + i % ${tools.length}], 'arguments', jsonb_build_object('step', i % 17)))),
           jsonb_build_object('role', 'tool', 'content', 'ok')) AS h
       FROM generate_series(1, ${c.z.t.checkpoints}) AS i
     ) x ${sessionFrame(c, 'x.g')}`,
  );
}

const pauseTypeExpr = (g: string) => `(${textArray(pauseTypes)})[1 + floor(${rnd(g, 21)} * ${pauseTypes.length})::int]`;
const engineerExpr = (g: string) => `(${textArray(engineers)})[1 + floor(${rnd(g, 22)} * ${engineers.length})::int]`;

function insertPauses(c: Ctx) {
  const cols = `INSERT INTO paused_sessions (id, session_id, reason, pause_type, current_task, context, checkpoint_id, paused_at,
      resolved, resolved_at, resolved_by, resolution, resolution_note)`;
  const reason = (g: string) => `initcap(replace(${pauseTypeExpr(g)}, '_', ' ')) || ' while running ' || (${textArray(tools.map((t) => t.name))})[1 + ${g} % ${tools.length}]`;
  const context = (g: string, at: string) =>
    `jsonb_build_object('last_error', (${textArray(tools.map((t) => t.errors[0]))})[1 + ${g} % ${tools.length}],
      'recent_tool_calls', jsonb_build_array(jsonb_build_object('tool', (${textArray(tools.map((t) => t.name))})[1 + ${g} % ${tools.length}],
        'success', false, 'error', (${textArray(tools.map((t) => t.errors[0]))})[1 + ${g} % ${tools.length}], 'at', ${at})))`;
  const open = bulk(
    c,
    'paused_sessions (open)',
    `${cols}
     SELECT ${uuidOf(`${lit(`${c.prefix}p`)} || g`)}, ${sessionId(c, 'g')}, ${reason('g')}, ${pauseTypeExpr('g')}, 'step ' || g % 9,
       ${context('g', 'st.e_at - interval \'30 seconds\'')},
       CASE WHEN g <= ${c.z.cpSessions} THEN ${latestCheckpointId(c, 'g')} END,
       st.e_at, false, NULL, NULL, NULL, NULL
     FROM generate_series(0, ${c.z.sessions / 100 - 1}) AS b, generate_series(0, ${OPEN_PAUSE_BUCKETS - 1}) AS kk,
       LATERAL (SELECT b * 100 + kk + 1 AS g) gg ${sessionFrame(c, 'g')}`,
  );
  // Resolved pauses on finished sessions (buckets 20..99: completed, failed, aborted); aborted sessions end aborted.
  const resolved = () =>
    bulk(
      c,
      'paused_sessions (resolved)',
      `${cols}
       SELECT ${uuidOf(`${lit(`${c.prefix}p`)} || g`)}, ${sessionId(c, 'g')}, ${reason('g')}, ${pauseTypeExpr('g')}, 'step ' || g % 9,
         ${context('g', `st.s_at + (st.e_at - st.s_at) * 0.45`)},
         CASE WHEN g <= ${c.z.cpSessions} THEN ${latestCheckpointId(c, 'g')} END,
         st.s_at + (st.e_at - st.s_at) * 0.5, true, st.s_at + (st.e_at - st.s_at) * (0.5 + 0.4 * ${rnd('g', 23)}),
         ${engineerExpr('g')}, res.resolution, 'Resolved from the console'
       FROM generate_series(1, ${c.z.resolvedPauses}) AS j,
         LATERAL (SELECT ((j - 1) / 80) * 100 + 20 + (j - 1) % 80 + 1 AS g) gg ${sessionFrame(c, 'g')}
         CROSS JOIN LATERAL (SELECT CASE WHEN sk.k >= 85 THEN 'aborted' WHEN ${rnd('g', 24)} < 0.3 THEN 'restored' ELSE 'resumed' END AS resolution) res`,
    );
  return open.then(async (n) => n + (await resolved()));
}

const ofThisRun = (c: Ctx, alias: string) => `${alias}.external_id LIKE ${lit(`${c.prefix}%`)}`;

async function insertInterventionTrail(c: Ctx) {
  let n = await bulk(
    c,
    'intervention_actions (paused)',
    `INSERT INTO intervention_actions (paused_session_id, session_id, action, actor, actor_type, note, created_at)
     SELECT ps.id, ps.session_id, 'paused', CASE WHEN ps.pause_type = 'manual' THEN 'alice@example.com' ELSE 'agent' END,
       CASE WHEN ps.pause_type = 'manual' THEN 'user' ELSE 'agent' END, ps.reason, ps.paused_at
     FROM paused_sessions ps JOIN agent_sessions s ON s.id = ps.session_id WHERE ${ofThisRun(c, 's')}`,
  );
  n += await bulk(
    c,
    'intervention_actions (resolutions)',
    `INSERT INTO intervention_actions (paused_session_id, session_id, action, actor, actor_type, note, created_at)
     SELECT ps.id, ps.session_id, ps.resolution, ps.resolved_by, 'user', ps.resolution_note, ps.resolved_at
     FROM paused_sessions ps JOIN agent_sessions s ON s.id = ps.session_id WHERE ps.resolved AND ${ofThisRun(c, 's')}`,
  );
  return n;
}

function insertRecoveries(c: Ctx) {
  const cols = `INSERT INTO checkpoint_recoveries (id, checkpoint_id, session_id, recovery_method, recovery_status, started_at,
      completed_at, recovery_duration_seconds, initiated_by, delivered_at, error)`;
  const recovering = bulk(
    c,
    'checkpoint_recoveries (in progress)',
    `${cols}
     SELECT ${uuidOf(`${lit(`${c.prefix}r`)} || g`)}, ${latestCheckpointId(c, 'g')}, ${sessionId(c, 'g')},
       CASE WHEN ${rnd('g', 31)} < 0.5 THEN 'manual' ELSE 'automatic' END, 'in_progress',
       ${c.now} - ${rnd('g', 32)} * interval '10 minutes', NULL, NULL, ${engineerExpr('g')}, NULL, NULL
     FROM generate_series(0, ${c.z.cpSessions / 100 - 1}) AS b, LATERAL (SELECT b * 100 + 5 AS g) gg`,
  );
  const total = c.z.t.recoveries - c.z.cpSessions / 100;
  const finished = () =>
    bulk(
      c,
      'checkpoint_recoveries (finished)',
      `${cols}
       SELECT ${uuidOf(`${lit(`${c.prefix}r`)} || g`)}, ${checkpointId(c, 'g')}, ${sessionId(c, 'g')}, x.method, x.status, x.started,
         x.completed, round(extract(epoch FROM x.completed - x.started)::numeric, 3), x.by,
         CASE WHEN x.status <> 'abandoned' THEN x.started + interval '2 seconds' END,
         CASE x.status WHEN 'failed' THEN (${textArray(recoveryErrors)})[1 + g % ${recoveryErrors.length}]
                       WHEN 'abandoned' THEN ${lit(recoveryAbandonedReason(900))} END
       FROM generate_series(1, ${total}) AS m,
         LATERAL (SELECT ((m - 1) / 94) * 100 + 5 + (m - 1) % 94 + 1 AS g) gg ${sessionFrame(c, 'g')}
         CROSS JOIN LATERAL (SELECT
           CASE WHEN ${rnd('g', 33)} < 0.4 THEN 'manual' ELSE 'automatic' END AS method,
           CASE WHEN sk.k BETWEEN 70 AND 84 AND ${rnd('g', 34)} < 0.5 THEN 'failed'
                WHEN ${rnd('g', 34)} < 0.85 THEN 'succeeded' WHEN ${rnd('g', 34)} < 0.93 THEN 'failed' ELSE 'abandoned' END AS status,
           st.s_at + (st.e_at - st.s_at) * 0.3 AS started,
           ${engineerExpr('g')} AS by) x0
         CROSS JOIN LATERAL (SELECT x0.*, LEAST(${c.now}, x0.started + CASE x0.status
             WHEN 'succeeded' THEN interval '1 second' + ${rnd('g', 35)} * interval '90 seconds'
             WHEN 'failed' THEN interval '2 seconds' + ${rnd('g', 35)} * interval '40 seconds'
             ELSE interval '900 seconds' + ${rnd('g', 35)} * interval '60 seconds' END) AS completed) x`,
    );
  return recovering.then(async (n) => n + (await finished()));
}

async function insertEvents(c: Ctx) {
  let n = 0;
  const toolNames = textArray(tools.map((t) => t.name));
  for (let ord = 1; ord <= c.z.eventsPerSession; ord++) {
    const type =
      ord === 1
        ? `'session_started'`
        : ord === c.z.eventsPerSession
          ? `CASE WHEN sk.k >= 15 THEN 'session_' || sf.status ELSE 'tool_called' END`
          : ord === 5
            ? `'checkpoint_created'`
            : ord === 7
              ? `'task_completed'`
              : `'tool_called'`;
    n += await bulk(
      c,
      `execution_events (step ${ord}/${c.z.eventsPerSession})`,
      `INSERT INTO execution_events (event_id, event_type, aggregate_type, aggregate_id, metadata, created_at)
       SELECT ${uuidOf(`${lit(`${c.prefix}e${ord}-`)} || g`)}, ${type}, 'session', ${sessionId(c, 'g')}::text,
         jsonb_build_object('conversation_id', 'conv-' || ${lit(c.prefix)} || g,
           'actor_id', (${textArray(allAgents)})[1 + (g % 4) * 3 + floor(${rnd('g', 3)} * 3)::int],
           'execution_order', ${ord},
           'status', CASE WHEN ${rnd(`g * 16 + ${ord}`, 41)} < 0.9 THEN 'success' ELSE 'error' END,
           'duration_ms', (20 + ${rnd(`g * 16 + ${ord}`, 42)} * 3000)::int,
           'retry_count', CASE WHEN ${rnd(`g * 16 + ${ord}`, 43)} < 0.9 THEN 0 ELSE 1 + g % 3 END,
           'correlation_id', ${uuidOf(`${lit(`${c.prefix}corr`)} || g`)},
           'tool', (${toolNames})[1 + (g + ${ord}) % ${tools.length}]),
         st.s_at + (st.e_at - st.s_at) * (${ord - 1} / ${c.z.eventsPerSession - 1}.0)
       FROM generate_series(1, ${c.z.sessions}) AS g ${sessionFrame(c, 'g')}`,
    );
  }
  // The transitions above also get their events, so a session's timeline shows its pause and recovery.
  n += await bulk(
    c,
    'execution_events (pauses)',
    `INSERT INTO execution_events (event_type, aggregate_type, aggregate_id, metadata, created_at)
     SELECT e.type, 'session', ps.session_id::text,
       jsonb_build_object('conversation_id', s.metadata->>'conversation_id', 'actor_id', e.actor, 'status', e.status,
         'paused_session_id', ps.id, 'pause_type', ps.pause_type, 'correlation_id', ps.id), e.at
     FROM paused_sessions ps JOIN agent_sessions s ON s.id = ps.session_id
     CROSS JOIN LATERAL (VALUES ('session_paused', 'agent', 'paused', ps.paused_at),
                                ('session_' || ps.resolution, ps.resolved_by, ps.resolution, ps.resolved_at)) e(type, actor, status, at)
     WHERE e.at IS NOT NULL AND ${ofThisRun(c, 's')}`,
  );
  n += await bulk(
    c,
    'execution_events (recoveries)',
    `INSERT INTO execution_events (event_type, aggregate_type, aggregate_id, metadata, created_at)
     SELECT e.type, 'session', r.session_id::text,
       jsonb_build_object('conversation_id', s.metadata->>'conversation_id', 'actor_id', r.initiated_by, 'status', e.status,
         'recovery_id', r.id, 'checkpoint_id', r.checkpoint_id, 'method', r.recovery_method, 'correlation_id', r.id), e.at
     FROM checkpoint_recoveries r JOIN agent_sessions s ON s.id = r.session_id
     CROSS JOIN LATERAL (VALUES ('recovery_started', 'in_progress', r.started_at),
                                ('recovery_' || r.recovery_status, r.recovery_status, r.completed_at)) e(type, status, at)
     WHERE e.at IS NOT NULL AND ${ofThisRun(c, 's')}`,
  );
  return n;
}

async function insertTools(c: Ctx) {
  const chunk = 250_000;
  let n = 0;
  for (let from = 1; from <= c.z.t.tools; from += chunk) {
    const to = Math.min(from + chunk - 1, c.z.t.tools);
    n += await bulk(
      c,
      `user_tool_history ${from}..${to}`,
      `INSERT INTO user_tool_history (execution_id, user_id, tool_name, success, execution_time_ms, error_message, session_id, context, user_satisfaction, created_at)
       SELECT ${uuidOf(`${lit(`${c.prefix}t`)} || t`)}, 'u-' || lpad(x.u::text, 3, '0'), (${textArray(tools.map((tl) => tl.name))})[x.tool],
         x.ok, x.ms, CASE WHEN NOT x.ok THEN (${textArray(tools.flatMap((tl) => [tl.errors[0], tl.errors[1]]))})[(x.tool - 1) * 2 + 1 + (t % 2)::int] END,
         CASE WHEN ${rnd('t', 51)} < 0.7 THEN ${sessionId(c, `1 + floor(${rnd('t', 52)} * ${c.z.sessions})::int`)} END,
         jsonb_build_object('source', 'large'),
         CASE WHEN ${rnd('t', 53)} < 0.2 THEN CASE WHEN x.ok THEN 3 + (t % 3) ELSE 1 + (t % 3) END END,
         ${c.now} - ${rnd('t', 54)} * interval '30 days'
       FROM generate_series(${from}, ${to}) AS t
       CROSS JOIN LATERAL (SELECT 1 + floor(${rnd('t', 55)} * 40)::int AS u) uu
       CROSS JOIN LATERAL (SELECT uu.u,
         CASE WHEN ${rnd('t', 56)} < 0.35 THEN 1 + uu.u % ${tools.length} ELSE 1 + floor(${rnd('t', 57)} * ${tools.length})::int END AS tool) x0
       CROSS JOIN LATERAL (SELECT x0.u, x0.tool,
         ${rnd('t', 58)} < (${numArray(tools.map((tl) => tl.successRate))})[x0.tool] AS ok,
         greatest(1, ((${numArray(tools.map((tl) => tl.medianMs))})[x0.tool] * exp((${rnd('t', 59)} + ${rnd('t', 60)} + ${rnd('t', 61)} - 1.5) * 1.2))::int) AS ms) x`,
    );
  }
  return n;
}

/** One session with exactly 1,000 events and 200 checkpoints (session-detail benchmark). */
async function insertDetailBenchmark(c: Ctx) {
  const id = uuidOf(lit(`${c.prefix}bench-detail`));
  await bulk(
    c,
    'benchmark session (detail-1000-200)',
    `INSERT INTO agent_sessions (id, project, agent_name, external_id, status, current_task, metadata, started_at, last_heartbeat_at)
     VALUES (${id}, 'checkout-service', 'refactor-bot', ${lit(`${c.prefix}bench-detail`)}, 'running', 'Benchmark: long-running session',
       jsonb_build_object('benchmark', 'detail-1000-200', 'seeded', 'large', 'conversation_id', 'conv-bench-detail'),
       ${c.now} - interval '2 days', ${c.now} - interval '10 seconds')`,
  );
  await bulk(
    c,
    'benchmark checkpoints (200)',
    `INSERT INTO session_checkpoints (id, session_id, sequence, checkpoint_type, conversation_history, current_task_id, message_count,
        completed_tasks, metrics_snapshot, size_bytes, content_hash, created_at)
     SELECT ${uuidOf(`${lit(`${c.prefix}bench-cp`)} || s`)}, ${id}, s, CASE WHEN s % 10 = 0 THEN 'task_completion' ELSE 'periodic' END, h,
       'task-' || (s / 10 + 1), 2 * s, '[]'::jsonb, jsonb_build_object('tool_calls', s * 4),
       octet_length(h::text), encode(sha256(convert_to(h::text, 'UTF8')), 'hex'),
       ${c.now} - interval '2 days' + (s * 5) * interval '1 minute' * 1.4
     FROM generate_series(1, 200) AS s,
       LATERAL (SELECT jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Step ' || s),
                                         jsonb_build_object('role', 'assistant', 'content', 'Done with step ' || s)) AS h) hh`,
  );
  // Event 1 starts the session; every 5th records the checkpoint of that step; the rest are tool calls.
  await bulk(
    c,
    'benchmark events (1000)',
    `INSERT INTO execution_events (event_id, event_type, aggregate_type, aggregate_id, metadata, created_at)
     SELECT ${uuidOf(`${lit(`${c.prefix}bench-ev`)} || o`)},
       CASE WHEN o = 1 THEN 'session_started' WHEN o % 5 = 0 THEN 'checkpoint_created' ELSE 'tool_called' END,
       'session', ${id}::text,
       jsonb_build_object('conversation_id', 'conv-bench-detail', 'actor_id', 'refactor-bot', 'execution_order', o,
         'status', CASE WHEN o % 13 = 0 THEN 'error' ELSE 'success' END, 'duration_ms', 10 + (o * 37) % 900,
         'retry_count', CASE WHEN o % 13 = 0 THEN 1 ELSE 0 END, 'correlation_id', ${uuidOf(`${lit(`${c.prefix}bench-corr`)} || o / 5`)},
         'tool', (${textArray(tools.map((t) => t.name))})[1 + o % ${tools.length}]),
       ${c.now} - interval '2 days' + o * interval '1 minute' * 1.4
     FROM generate_series(1, 1000) AS o`,
  );
  const [row] = await queryRows<{ id: string }>(c.db, sql.raw(`SELECT ${id}::text AS id`));
  return row.id;
}

/** One checkpoint of ~5 MB of conversation history (state fetch / restore benchmark). */
async function insertBigCheckpointBenchmark(c: Ctx) {
  const sid = uuidOf(lit(`${c.prefix}bench-5mb`));
  const cid = uuidOf(lit(`${c.prefix}bench-5mb-cp`));
  await bulk(
    c,
    'benchmark session (checkpoint-5mb)',
    `INSERT INTO agent_sessions (id, project, agent_name, external_id, status, current_task, metadata, started_at, last_heartbeat_at)
     VALUES (${sid}, 'data-pipeline', 'backfill-runner', ${lit(`${c.prefix}bench-5mb`)}, 'running', 'Benchmark: huge conversation',
       jsonb_build_object('benchmark', 'checkpoint-5mb', 'seeded', 'large', 'conversation_id', 'conv-bench-5mb', 'checkpoint_id', ${cid}),
       ${c.now} - interval '1 day', ${c.now} - interval '10 seconds')`,
  );
  await bulk(
    c,
    'benchmark checkpoint (~5 MB)',
    `INSERT INTO session_checkpoints (id, session_id, sequence, checkpoint_type, conversation_history, current_task_id, message_count,
        completed_tasks, metrics_snapshot, size_bytes, content_hash, created_at)
     SELECT ${cid}, ${sid}, 1, 'manual', h, 'task-1', 2500, '[]'::jsonb, '{}'::jsonb,
       octet_length(h::text), encode(sha256(convert_to(h::text, 'UTF8')), 'hex'), ${c.now} - interval '1 hour'
     FROM (SELECT jsonb_agg(jsonb_build_object('role', CASE WHEN m % 2 = 1 THEN 'user' ELSE 'assistant' END,
                  'content', 'Message ' || m || ': ' || repeat(md5(m::text), 62)) ORDER BY m) AS h
           FROM generate_series(1, 2500) AS m) x`,
  );
  await bulk(
    c,
    'benchmark 5 MB events',
    `INSERT INTO execution_events (event_type, aggregate_type, aggregate_id, metadata, created_at)
     VALUES ('session_started', 'session', ${sid}::text, jsonb_build_object('conversation_id', 'conv-bench-5mb', 'execution_order', 1, 'status', 'started'), ${c.now} - interval '1 day'),
            ('checkpoint_created', 'session', ${sid}::text, jsonb_build_object('conversation_id', 'conv-bench-5mb', 'execution_order', 2, 'status', 'success', 'checkpoint_id', ${cid}), ${c.now} - interval '1 hour')`,
  );
  const [row] = await queryRows<{ sid: string; cid: string; size: number }>(
    c.db,
    sql.raw(`SELECT ${sid}::text AS sid, ${cid}::text AS cid, size_bytes AS size FROM session_checkpoints WHERE id = ${cid}`),
  );
  return { sessionId: row.sid, checkpointId: row.cid, sizeBytes: Number(row.size) };
}

export type LargeResult = {
  benchmark: { detailSessionId: string; bigCheckpointSessionId: string; bigCheckpointId: string; bigCheckpointBytes: number };
};

export async function seedLarge(
  db: Db,
  options: { now: Date; salt: number; log: (line: string) => void; embedded: boolean; targets?: LargeTargets },
): Promise<LargeResult> {
  const c: Ctx = {
    db,
    prefix: `large-${options.salt}-`,
    now: `${lit(options.now.toISOString())}::timestamptz`,
    log: options.log,
    z: shape(options.targets ?? largeTargets),
  };
  for (let from = 1; from <= c.z.sessions; from += 50_000) await insertSessions(c, from, Math.min(from + 49_999, c.z.sessions));
  await insertCheckpoints(c);
  await insertPauses(c);
  await insertInterventionTrail(c);
  await insertRecoveries(c);
  await insertEvents(c);
  await insertTools(c);
  const detailSessionId = await insertDetailBenchmark(c);
  const big = await insertBigCheckpointBenchmark(c);
  const rng = new Prng(0x1a76e + options.salt);
  if (!options.embedded) await seedRetryLog(db, rng, options.now);
  await seedChecklists(db, rng, options.now);
  const started = Date.now();
  await db.execute(sql`ANALYZE`);
  c.log(`  ANALYZE                            ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    benchmark: { detailSessionId, bigCheckpointSessionId: big.sessionId, bigCheckpointId: big.checkpointId, bigCheckpointBytes: big.sizeBytes },
  };
}
