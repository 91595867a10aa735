import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { coalesced } from '@/lib/db/coalesce';
import type { AgentSession } from '@/lib/db/schema';

export type BatchHeartbeatInput = { id: string; currentTask?: string | null }[];

export type BatchHeartbeatResult =
  | { ok: true; sessions: { id: string; status: AgentSession['status'] }[] }
  | { ok: false; reason: 'unknown_sessions'; unknownIds: string[] };

/**
 * Heart-beats many sessions in one SQL statement, all or nothing: when any id names no session, nothing is
 * updated and the unknown ids come back (in input order). Like the single heartbeat it is idempotent (it only
 * moves last_heartbeat_at to now() and sets the current task when one is sent), and a finished session still
 * answers its status. Rows are updated in id order so two overlapping batches cannot deadlock.
 */
export async function recordHeartbeats(db: Db, input: BatchHeartbeatInput): Promise<BatchHeartbeatResult> {
  const payload = JSON.stringify(
    input.map((x, i) => ({ ord: i, id: x.id.toLowerCase(), task: x.currentTask ?? null, set_task: x.currentTask !== undefined })),
  );
  const rows = await queryRows<{ kind: 'ok' | 'missing'; id: string; status: AgentSession['status'] | null }>(
    db,
    sql`WITH input AS (
        SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(ord int, id uuid, task text, set_task boolean)
      ), missing AS (
        SELECT i.ord, i.id FROM input i WHERE NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.id = i.id)
      ), locked AS (
        SELECT s.id FROM agent_sessions s JOIN input i ON i.id = s.id
        WHERE NOT EXISTS (SELECT 1 FROM missing) ORDER BY s.id FOR UPDATE OF s
      ), updated AS (
        UPDATE agent_sessions s
        SET last_heartbeat_at = now(), current_task = CASE WHEN i.set_task THEN i.task ELSE s.current_task END
        FROM input i, locked l WHERE s.id = i.id AND l.id = s.id
        RETURNING i.ord, s.id, s.status
      )
      SELECT 'ok' AS kind, ord, id::text AS id, status FROM updated ${livenessCommit(db)}
      UNION ALL SELECT 'missing' AS kind, ord, id::text AS id, NULL AS status FROM missing
      ORDER BY kind, ord`,
  );
  const unknownIds = rows.filter((r) => r.kind === 'missing').map((r) => r.id);
  if (unknownIds.length) return { ok: false, reason: 'unknown_sessions', unknownIds };
  return { ok: true, sessions: rows.map((r) => ({ id: r.id, status: r.status! })) };
}

/**
 * A FROM item that lets the statement's own transaction commit without waiting for its WAL flush
 * (synchronous_commit off for that transaction only; set_config(…, true) ends with it). For pure signs of life:
 * a heartbeat moves last_heartbeat_at (and the agent's current task), which the next heartbeat writes again, so
 * the one thing at stake — a heartbeat of the last ~0.6 s (3 × wal_writer_delay) lost if Postgres itself crashes —
 * costs nothing, while each synchronous commit waits ~4 ms for the disk (docs/benchmarks-fleet.md). Visibility is
 * unchanged (other sessions see the row at once), and a later synchronous commit flushes it with its own.
 * Inside a caller's transaction it is left out: it would make the caller's whole transaction asynchronous.
 */
export function livenessCommit(db: Db): SQL {
  return isTransaction(db) ? sql`` : sql`CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS liveness_commit`;
}

/** Drizzle transactions (and savepoints) have rollback(); the pooled database object does not. */
export function isTransaction(db: Db): boolean {
  return typeof (db as unknown as { rollback?: unknown }).rollback === 'function';
}

/** A session row after a sign of life: `timed_out` = it sits in an open watchdog `timeout` pause. */
export type TouchedSession = { id: string; status: AgentSession['status']; timed_out: boolean };

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The sign-of-life UPDATE (lib/interventions/liveness.ts), as a statement or a CTE of a larger one: moves
 * last_heartbeat_at of the sessions `ids` and, when `currentTask` is given, sets the current task; RETURNING
 * TouchedSession. Its text never changes (ids are one array parameter), so it runs as a prepared statement.
 * `onlyIf`: a condition the whole update depends on (a tool-execution batch that was refused touches nothing).
 * Ids that are no UUID name no session and are left out.
 */
export function signOfLifeUpdate(input: { ids: string[]; currentTask?: string | null; onlyIf?: SQL }): SQL {
  const ids = input.ids.filter((i) => uuidPattern.test(i));
  return sql`UPDATE agent_sessions
       SET last_heartbeat_at = greatest(last_heartbeat_at, now()),
           current_task = CASE WHEN ${input.currentTask !== undefined} THEN ${input.currentTask ?? null}::text ELSE current_task END
     WHERE id = ANY(${`{${ids.join(',')}}`}::uuid[]) AND ${input.onlyIf ?? sql`true`}
 RETURNING id, status,
           status = 'paused' AND EXISTS (SELECT 1 FROM paused_sessions p
             WHERE p.session_id = agent_sessions.id AND NOT p.resolved AND p.pause_type = 'timeout') AS timed_out`;
}

/**
 * One agent's heartbeat (the single-session route): its sign of life and current task, with the other heartbeats of
 * the same event-loop turn in ONE statement (lib/db/coalesce.ts), committed without waiting for the disk
 * (livenessCommit). Rows are locked in id order, as recordHeartbeats does, so overlapping batches cannot deadlock;
 * when one session beats twice in a turn, its later current task wins. Undefined: no session with this id.
 */
export const heartbeatOne = coalesced<{ id: string; currentTask?: string | null }, TouchedSession | undefined>(async (db, inputs) => {
  const latest = new Map<string, { task: string | null; set_task: boolean }>();
  for (const x of inputs) {
    const id = x.id.toLowerCase();
    if (!uuidPattern.test(id)) continue;
    const prev = latest.get(id);
    // A later beat without a task keeps the task an earlier one in this turn set.
    latest.set(id, x.currentTask !== undefined ? { task: x.currentTask ?? null, set_task: true } : (prev ?? { task: null, set_task: false }));
  }
  if (!latest.size) return inputs.map(() => undefined);
  const payload = JSON.stringify([...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, v]) => ({ id, ...v })));
  const rows = await queryRows<TouchedSession>(
    db,
    sql`WITH input AS (
          SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, task text, set_task boolean)
        ), locked AS (
          SELECT s.id FROM agent_sessions s JOIN input i ON i.id = s.id ORDER BY s.id FOR UPDATE OF s
        ), touched AS (
          UPDATE agent_sessions s
             SET last_heartbeat_at = greatest(s.last_heartbeat_at, now()),
                 current_task = CASE WHEN i.set_task THEN i.task ELSE s.current_task END
            FROM input i, locked l WHERE s.id = i.id AND l.id = s.id
          RETURNING s.id, s.status,
                    s.status = 'paused' AND EXISTS (SELECT 1 FROM paused_sessions p
                      WHERE p.session_id = s.id AND NOT p.resolved AND p.pause_type = 'timeout') AS timed_out
        )
        SELECT touched.id::text AS id, touched.status, touched.timed_out FROM touched ${livenessCommit(db)}`,
    { prepare: true },
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return inputs.map((x) => byId.get(x.id.toLowerCase()));
});
