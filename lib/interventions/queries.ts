import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import type { PauseContext } from '@/lib/db/schema';
import { escalatedFlag, matchedPolicy, nextStep } from '@/lib/interventions/deadlines';
import type { ActiveFilter, HistoryFilter } from './schemas';

/**
 * Reads of the Interventions page. Both lists are keyset-paginated on (paused_at, id) and keep the cursor's
 * timestamp as text so microseconds survive the round trip (a JS Date would truncate them and skip rows).
 */
export type Cursor = { at: string; id: string };

export function encodeCursor(c: Cursor) {
  return Buffer.from(`${c.at}|${c.id}`).toString('base64url');
}

export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s) return null;
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  // 'infinity': a deadline-sorted page that ended among the pauses without a deadline.
  if (!at || !id || !/^[0-9a-f-]{36}$/i.test(id) || (at !== 'infinity' && Number.isNaN(Date.parse(at)))) return null;
  return { at, id };
}

export type Page<T> = { rows: T[]; nextCursor: string | null };

function page<T extends { cursor_at: string; id: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return { rows: shown, nextCursor: more && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null };
}

const ageSeconds = { '15m': 900, '1h': 3600, '4h': 14_400, '24h': 86_400 } as const;
export type AgeBucket = keyof typeof ageSeconds;
export const ageBuckets = Object.keys(ageSeconds) as AgeBucket[];

/**
 * The lists read the base tables with the same columns as v_active_interventions / v_intervention_history: the
 * views end in ORDER BY, which stops Postgres from flattening them, so a filtered, LIMITed read of a view sorts
 * (and counts actions for) every row first instead of walking idx_paused_sessions_paused_at.
 */
const fromPauses = sql`FROM paused_sessions ps JOIN agent_sessions s ON s.id = ps.session_id`;

function activeWhere(f: ActiveFilter): SQL[] {
  const where: SQL[] = [sql`NOT ps.resolved`];
  // ps.project (a copy of the session's, drizzle/0009): idx_paused_sessions_open_project, not every session of it.
  if (f.project) where.push(sql`ps.project = ${f.project}`);
  if (f.type) where.push(sql`ps.pause_type = ${f.type}`);
  if (f.age) where.push(sql`ps.paused_at < now() - make_interval(secs => ${ageSeconds[f.age]})`);
  return where;
}

const and = (parts: SQL[]) => (parts.length ? sql`WHERE ${sql.join(parts, sql` AND `)}` : sql``);

export async function countActiveInterventions(db: Db, filter: ActiveFilter = {}): Promise<number> {
  // With no filter or only a project, the trigger-kept counts answer (drizzle/0017); type and age filters count.
  const [row] =
    !filter.type && !filter.age
      ? filter.project
        ? await queryRows<{ n: number }>(db, sql`SELECT coalesce((SELECT n FROM open_pause_counts WHERE project = ${filter.project}), 0)::int AS n`)
        : await queryRows<{ n: number }>(db, sql`SELECT coalesce(sum(n), 0)::int AS n FROM open_pause_counts`, { prepare: true })
      : await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM paused_sessions ps ${and(activeWhere(filter))}`);
  return row?.n ?? 0;
}

/** What every list of pauses shows of one: the pause, its session's project and agent, and the task it stopped at. */
export type PauseListRow = {
  id: string;
  session_id: string;
  project: string;
  agent_name: string;
  reason: string;
  pause_type: string;
  current_task: string | null;
};

export type ActiveIntervention = PauseListRow & {
  last_error: string | null;
  context: PauseContext;
  paused_at: Date;
  assigned_to: string | null;
  /** The governing escalation policy's next step (lib/interventions/deadlines.ts): its time, kind and the policy. */
  next_step_at: Date | null;
  next_step_kind: string | null;
  policy_name: string | null;
  escalated: boolean;
  cursor_at: string;
  /** Four-eyes: a restore awaiting a second engineer's approval. */
  pending_request_id: string | null;
  pending_requested_by: string | null;
};

const activeColumns = sql`ps.id, ps.session_id, s.project, s.agent_name, ps.reason, ps.pause_type, ps.current_task,
               ps.context->>'last_error' AS last_error, ps.context, ps.paused_at, ps.assigned_to,
               nxt.next_at AS next_step_at, nxt.next_kind AS next_step_kind, pol.name AS policy_name, ${escalatedFlag} AS escalated,
               rr.id AS pending_request_id, rr.requested_by AS pending_requested_by`;
/** A four-eyes restore waiting for its second engineer ("awaiting approval" in the inbox). */
const pendingRequest = sql`LEFT JOIN restore_requests rr ON rr.paused_session_id = ps.id AND rr.status = 'pending'`;

/**
 * Open pauses, nearest deadline first (pauses without one last, oldest first among them), keyset on
 * (deadline or 'infinity', id). The deadline is computed per pause, so this order reads every open pause that
 * matches the filter: fine for an inbox (hundreds), not an index walk like the default order.
 */
async function listActiveByDeadline(db: Db, input: ActiveFilter & { cursor?: Cursor | null; limit: number }) {
  const after = input.cursor ? sql`WHERE (q.deadline_key, q.id) > (${input.cursor.at}::timestamptz, ${input.cursor.id}::uuid)` : sql``;
  const rows = await queryRows<ActiveIntervention>(
    db,
    sql`SELECT q.*, q.deadline_key::text AS cursor_at FROM (
          SELECT ${activeColumns}, coalesce(nxt.next_at, 'infinity'::timestamptz) AS deadline_key
          ${fromPauses} ${matchedPolicy} ${nextStep} ${pendingRequest} ${and(activeWhere(input))}) q
        ${after}
        ORDER BY q.deadline_key ASC, q.paused_at ASC, q.id ASC LIMIT ${input.limit + 1}`,
  );
  return page(rows.map(({ deadline_key: _, ...r }: ActiveIntervention & { deadline_key?: unknown }) => r), input.limit);
}

/**
 * Open pauses, oldest first. `paused_at >= x AND (paused_at > x OR id > y)` rather than a row comparison so that
 * idx_paused_sessions_active (paused_at WHERE NOT resolved) bounds the scan.
 */
export async function listActiveInterventions(
  db: Db,
  input: ActiveFilter & { cursor?: Cursor | null; limit?: number } = {},
): Promise<Page<ActiveIntervention>> {
  const limit = input.limit ?? 50;
  if (input.sort === 'deadline') return listActiveByDeadline(db, { ...input, limit });
  const where = activeWhere(input);
  if (input.cursor) {
    const at = sql`${input.cursor.at}::timestamptz`;
    where.push(sql`ps.paused_at >= ${at} AND (ps.paused_at > ${at} OR ps.id > ${input.cursor.id}::uuid)`);
  }
  const rows = await queryRows<ActiveIntervention>(
    db,
    sql`SELECT ${activeColumns}, ps.paused_at::text AS cursor_at
        ${fromPauses} ${matchedPolicy} ${nextStep} ${pendingRequest} ${and(where)}
        ORDER BY ps.paused_at ASC, ps.id ASC LIMIT ${limit + 1}`,
  );
  return page(rows, limit);
}

/** Ids of every open pause matching a filter ("select all matching" in bulk), oldest first, capped. */
export async function listActiveInterventionIds(db: Db, input: ActiveFilter & { max?: number } = {}) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT ps.id ${fromPauses} ${and(activeWhere(input))} ORDER BY ps.paused_at ASC, ps.id ASC LIMIT ${input.max ?? 1000}`,
  );
  return rows.map((r) => r.id);
}

/**
 * Projects with open pauses and how many (the Interventions project filter), from open_pause_counts (drizzle/0017):
 * one row per project, kept by the pauses' own trigger, so the read does not grow with the open pauses.
 */
export async function listActiveProjects(db: Db) {
  return queryRows<{ project: string; n: number }>(
    db,
    sql`SELECT project, n FROM open_pause_counts WHERE n > 0 ORDER BY project`,
    { prepare: true },
  );
}

export type InterventionHistoryRow = PauseListRow & {
  paused_at: Date;
  resolved: boolean;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  resolution_note: string | null;
  resolution_seconds: number | null;
  action_count: number;
  cursor_at: string;
};

function historyWhere(f: HistoryFilter): SQL[] {
  const where: SQL[] = [];
  // ps.project (a copy of the session's, drizzle/0009): idx_paused_sessions_open_project, not every session of it.
  if (f.project) where.push(sql`ps.project = ${f.project}`);
  if (f.type) where.push(sql`ps.pause_type = ${f.type}`);
  if (f.resolution === 'open') where.push(sql`NOT ps.resolved`);
  else if (f.resolution) where.push(sql`ps.resolution = ${f.resolution}`);
  if (f.from) where.push(sql`ps.paused_at >= ${f.from}::date`);
  if (f.to) where.push(sql`ps.paused_at < ${f.to}::date + 1`);
  return where;
}

/**
 * Every pause, newest first, keyset on (paused_at, id) DESC. NULLS LAST matches idx_paused_sessions_paused_at's
 * declared order; a bare DESC (NULLS FIRST) would not use the index even though the columns are NOT NULL.
 */
export async function listInterventionHistory(
  db: Db,
  input: HistoryFilter & { cursor?: Cursor | null; limit?: number } = {},
): Promise<Page<InterventionHistoryRow>> {
  const limit = input.limit ?? 50;
  const where = historyWhere(input);
  if (input.cursor) where.push(sql`(ps.paused_at, ps.id) < (${input.cursor.at}::timestamptz, ${input.cursor.id}::uuid)`);
  const rows = await queryRows<InterventionHistoryRow>(
    db,
    sql`SELECT ps.id, ps.session_id, s.project, s.agent_name, ps.reason, ps.pause_type, ps.current_task, ps.paused_at,
               ps.resolved, ps.resolved_at, ps.resolved_by, ps.resolution, ps.resolution_note,
               EXTRACT(EPOCH FROM (ps.resolved_at - ps.paused_at))::float8 AS resolution_seconds,
               (SELECT count(*)::int FROM intervention_actions ia WHERE ia.paused_session_id = ps.id) AS action_count,
               ps.paused_at::text AS cursor_at
        ${fromPauses} ${and(where)}
        ORDER BY ps.paused_at DESC NULLS LAST, ps.id DESC NULLS LAST LIMIT ${limit + 1}`,
  );
  return page(rows, limit);
}

/** All matching history rows page by page (CSV export), without holding the whole result in memory. */
export async function* iterateInterventionHistory(db: Db, filter: HistoryFilter, pageSize = 500) {
  let cursor: Cursor | null = null;
  for (;;) {
    const p: Page<InterventionHistoryRow> = await listInterventionHistory(db, { ...filter, cursor, limit: pageSize });
    yield* p.rows;
    if (!p.nextCursor) return;
    cursor = decodeCursor(p.nextCursor);
  }
}

export type InterventionActionRow = {
  id: number;
  action: string;
  actor: string;
  actor_type: string;
  note: string | null;
  details: Record<string, unknown>;
  created_at: Date;
};

/** A pause's trail in order (idx_intervention_actions_pause). */
export async function listInterventionActions(db: Db, input: { pausedSessionId: string }) {
  return queryRows<InterventionActionRow>(
    db,
    sql`SELECT id, action, actor, actor_type, note, details, created_at FROM intervention_actions
        WHERE paused_session_id = ${input.pausedSessionId} ORDER BY created_at, id`,
  );
}

/** The valid checkpoints a pause can be restored from, newest first. */
export async function listRestorableCheckpoints(db: Db, input: { pausedSessionId: string; limit?: number }) {
  return queryRows<{ id: string; sequence: number; checkpoint_type: string; current_task_id: string | null; created_at: Date }>(
    db,
    sql`SELECT c.id, c.sequence, c.checkpoint_type, c.current_task_id, c.created_at
        FROM paused_sessions ps JOIN session_checkpoints c ON c.session_id = ps.session_id
        WHERE ps.id = ${input.pausedSessionId} AND c.is_valid
        ORDER BY c.sequence DESC LIMIT ${input.limit ?? 20}`,
  );
}
