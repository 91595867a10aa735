import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { BUCKETS } from './histogram';

/**
 * Keeping the hourly roll-ups (lib/db/schema/analytics.ts) equal to the raw rows.
 *
 * Why marks + recompute rather than incrementing counters on ingest: statement-level triggers (drizzle/0001)
 * insert the touched hours into rollup_dirty inside the writer's transaction, whichever code path writes
 * (API ingest, transitions, the seed, retention, a psql session). `refreshRollups` deletes the committed marks
 * and recomputes those hours from the raw rows with the same SQL as the full rebuild, so an hour is either
 * right or still marked: a late row, a satisfaction set days later or a deleted session all heal on the next
 * run, and the test "roll-up = raw" checks one code path. A mark whose writer has not committed yet is not
 * visible to the DELETE, so it survives and its hour is recomputed next time. One instance refreshes at a time
 * (transaction-scoped advisory lock); others skip.
 */
const ROLLUP_LOCK_KEY = 7_304_110_508; // arbitrary, constant: "flightdeck roll-ups"

export type RollupKind = 'tool' | 'tool_user_day' | 'pause' | 'recovery' | 'retry' | 'session';

/** Every hour, or a set of hour starts (ISO strings), or (user, day) pairs. */
type HourSet = 'all' | string[];

function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

/** `col` falls in one of the hours: a range condition the planner can use an index for, then the exact set. */
function inHours(col: string, hours: HourSet): SQL {
  if (hours === 'all') return sql`TRUE`;
  const sorted = [...hours].sort();
  const from = sorted[0];
  const to = new Date(new Date(sorted[sorted.length - 1]).getTime() + 3_600_000).toISOString();
  return sql`${sql.raw(col)} >= ${from}::timestamptz AND ${sql.raw(col)} < ${to}::timestamptz
    AND fd_hour(${sql.raw(col)}) = ANY(${pgArray(sorted)}::timestamptz[])`;
}

const histogram = (expr: string, filter = 'TRUE') =>
  sql.raw(
    `ARRAY[${Array.from({ length: BUCKETS }, (_, i) => `count(*) FILTER (WHERE ${filter} AND fd_log2_bucket(${expr}) = ${i})`).join(', ')}]::int[]`,
  );

function toolHoursSelect(hours: HourSet): SQL {
  return sql`SELECT fd_hour(created_at) AS hour, tool_name,
      count(*)::int AS executions, (count(*) FILTER (WHERE success))::int AS successes,
      coalesce(sum(execution_time_ms), 0)::bigint AS time_sum_ms, ${histogram('execution_time_ms')} AS latency_buckets,
      coalesce(sum(user_satisfaction), 0)::int AS satisfaction_sum, count(user_satisfaction)::int AS satisfaction_count
    FROM user_tool_history WHERE ${inHours('created_at', hours)}
    GROUP BY 1, 2`;
}

function pauseHoursSelect(hours: HourSet): SQL {
  const resumeSeconds = 'extract(epoch FROM resolved_at - paused_at)::float8';
  const resumedLike = `resolution IN ('resumed', 'restored')`;
  return sql`WITH p AS (
      SELECT fd_hour(paused_at) AS hour, pause_type, count(*)::int AS pauses
      FROM paused_sessions WHERE ${inHours('paused_at', hours)} GROUP BY 1, 2
    ), r AS (
      SELECT fd_hour(resolved_at) AS hour, pause_type,
        (count(*) FILTER (WHERE resolution = 'resumed'))::int AS resumed,
        (count(*) FILTER (WHERE resolution = 'restored'))::int AS restored,
        (count(*) FILTER (WHERE resolution = 'aborted'))::int AS aborted,
        coalesce(sum(${sql.raw(resumeSeconds)}) FILTER (WHERE ${sql.raw(resumedLike)}), 0)::float8 AS secs,
        ${histogram(resumeSeconds, resumedLike)} AS buckets
      FROM paused_sessions WHERE resolved_at IS NOT NULL AND ${inHours('resolved_at', hours)} GROUP BY 1, 2
    )
    SELECT hour, pause_type, coalesce(p.pauses, 0) AS pauses, coalesce(r.resumed, 0) AS resumed,
      coalesce(r.restored, 0) AS restored, coalesce(r.aborted, 0) AS aborted, coalesce(r.secs, 0) AS resume_seconds_sum,
      coalesce(r.buckets, array_fill(0, ARRAY[${sql.raw(String(BUCKETS))}])) AS resume_buckets
    FROM p FULL JOIN r USING (hour, pause_type)`;
}

function recoveryHoursSelect(hours: HourSet): SQL {
  return sql`SELECT fd_hour(started_at) AS hour, recovery_method, recovery_status, count(*)::int AS recoveries,
      coalesce(sum(recovery_duration_seconds), 0)::float8 AS duration_seconds_sum,
      count(recovery_duration_seconds)::int AS duration_count
    FROM checkpoint_recoveries WHERE ${inHours('started_at', hours)} GROUP BY 1, 2, 3`;
}

function retryHoursSelect(hours: HourSet): SQL {
  return sql`SELECT fd_hour(minute) AS hour, error_class, sum(retries)::int AS retries, sum(recovered)::int AS recovered,
      sum(failed)::int AS failed
    FROM db_retry_log WHERE ${inHours('minute', hours)} GROUP BY 1, 2`;
}

function sessionHoursSelect(hours: HourSet): SQL {
  return sql`WITH s AS (
      SELECT fd_hour(started_at) AS hour, count(*)::int AS started FROM agent_sessions
      WHERE ${inHours('started_at', hours)} GROUP BY 1
    ), e AS (
      SELECT fd_hour(ended_at) AS hour, count(*)::int AS ended FROM agent_sessions
      WHERE ended_at IS NOT NULL AND ${inHours('ended_at', hours)} GROUP BY 1
    )
    SELECT hour, coalesce(s.started, 0) AS started, coalesce(e.ended, 0) AS ended FROM s FULL JOIN e USING (hour)`;
}

type UserDay = { userId: string; day: string };

function toolUserDaysSelect(pairs: 'all' | UserDay[]): SQL {
  const cols = sql`SELECT h.user_id, h.tool_name, (fd_day(h.created_at) AT TIME ZONE 'UTC')::date AS day,
      count(*)::int AS runs, (count(*) FILTER (WHERE h.success))::int AS successes,
      coalesce(sum(h.user_satisfaction), 0)::int AS satisfaction_sum,
      count(h.user_satisfaction)::int AS satisfaction_count`;
  if (pairs === 'all') return sql`${cols} FROM user_tool_history h GROUP BY 1, 2, 3`;
  // idx_user_tool_history_user_created: one index range per (user, day).
  return sql`${cols}
    FROM unnest(${pgArray(pairs.map((p) => p.userId))}::text[], ${pgArray(pairs.map((p) => p.day))}::timestamptz[]) AS d(user_id, day_start)
    JOIN user_tool_history h ON h.user_id = d.user_id AND h.created_at >= d.day_start AND h.created_at < d.day_start + interval '1 day'
    GROUP BY 1, 2, 3`;
}

async function recompute(tx: Db, kind: RollupKind, hours: HourSet, pairs: 'all' | UserDay[] = 'all') {
  const del = (table: string, col = 'hour') =>
    hours === 'all'
      ? sql.raw(`DELETE FROM ${table}`)
      : sql`DELETE FROM ${sql.raw(table)} WHERE ${sql.raw(col)} = ANY(${pgArray(hours)}::timestamptz[])`;
  switch (kind) {
    case 'tool':
      await tx.execute(del('tool_execution_hours'));
      await tx.execute(sql`INSERT INTO tool_execution_hours (hour, tool_name, executions, successes, time_sum_ms,
        latency_buckets, satisfaction_sum, satisfaction_count) ${toolHoursSelect(hours)}`);
      return;
    case 'pause':
      await tx.execute(del('intervention_hours'));
      await tx.execute(sql`INSERT INTO intervention_hours (hour, pause_type, pauses, resumed, restored, aborted,
        resume_seconds_sum, resume_buckets) ${pauseHoursSelect(hours)}`);
      return;
    case 'recovery':
      await tx.execute(del('recovery_hours'));
      await tx.execute(sql`INSERT INTO recovery_hours (hour, recovery_method, recovery_status, recoveries,
        duration_seconds_sum, duration_count) ${recoveryHoursSelect(hours)}`);
      return;
    case 'retry':
      await tx.execute(del('retry_hours'));
      await tx.execute(sql`INSERT INTO retry_hours (hour, error_class, retries, recovered, failed) ${retryHoursSelect(hours)}`);
      return;
    case 'session':
      await tx.execute(del('session_hours'));
      await tx.execute(sql`INSERT INTO session_hours (hour, started, ended) ${sessionHoursSelect(hours)}`);
      return;
    case 'tool_user_day':
      if (pairs === 'all') {
        await tx.execute(sql`DELETE FROM tool_user_days`);
      } else {
        await tx.execute(sql`DELETE FROM tool_user_days t
          USING unnest(${pgArray(pairs.map((p) => p.userId))}::text[], ${pgArray(pairs.map((p) => p.day))}::timestamptz[]) AS d(user_id, day_start)
          WHERE t.user_id = d.user_id AND t.day = (d.day_start AT TIME ZONE 'UTC')::date`);
      }
      await tx.execute(sql`INSERT INTO tool_user_days (user_id, tool_name, day, runs, successes, satisfaction_sum,
        satisfaction_count) ${toolUserDaysSelect(pairs)}`);
      return;
  }
}

const KINDS: RollupKind[] = ['tool', 'tool_user_day', 'pause', 'recovery', 'retry', 'session'];

export type RefreshResult =
  | { ok: true; marks: number; hours: Record<RollupKind, number> }
  | { ok: false; reason: 'busy' | 'backlog'; pending?: number };

/**
 * Recomputes the hours marked since the last run (at most `batch` marks per call). `maxPending` lets a page
 * refresh on read only when little is waiting; a large backlog (after a bulk load) is left to the job.
 */
export async function refreshRollups(
  db: Db,
  options: { batch?: number; maxPending?: number } = {},
): Promise<RefreshResult> {
  const batch = options.batch ?? 20_000;
  if (options.maxPending !== undefined) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM rollup_dirty LIMIT ${options.maxPending + 1}) x`,
    );
    const pending = Number(row?.n ?? 0);
    if (pending === 0) return { ok: true, marks: 0, hours: emptyCounts() };
    if (pending > options.maxPending) return { ok: false, reason: 'backlog', pending };
  }
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [lock] = await queryRows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) AS ok`);
    if (!lock?.ok) return { ok: false, reason: 'busy' } as const;
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    const marks = await queryRows<{ kind: RollupKind; hour: string | Date; user_id: string | null }>(
      tx,
      sql`DELETE FROM rollup_dirty WHERE id IN (SELECT id FROM rollup_dirty ORDER BY id LIMIT ${batch})
          RETURNING kind, hour, user_id`,
    );
    const hours = emptyCounts();
    for (const kind of KINDS) {
      const ofKind = marks.filter((m) => m.kind === kind);
      if (!ofKind.length) continue;
      if (kind === 'tool_user_day') {
        const seen = new Map<string, UserDay>();
        for (const m of ofKind) {
          const day = new Date(m.hour).toISOString();
          seen.set(`${m.user_id}\u0000${day}`, { userId: m.user_id ?? '', day });
        }
        await recompute(tx, kind, [], [...seen.values()]);
        hours[kind] = seen.size;
      } else {
        const set = [...new Set(ofKind.map((m) => new Date(m.hour).toISOString()))];
        await recompute(tx, kind, set);
        hours[kind] = set.length;
      }
    }
    return { ok: true, marks: marks.length, hours } as const;
  });
}

function emptyCounts(): Record<RollupKind, number> {
  return { tool: 0, tool_user_day: 0, pause: 0, recovery: 0, retry: 0, session: 0 };
}

/** Recomputes every roll-up from the raw rows (`npm run rollups:rebuild`); waits for a running refresh. */
export async function rebuildRollups(db: Db): Promise<{ rows: Record<string, number> }> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    await tx.execute(sql`DELETE FROM rollup_dirty`);
    for (const kind of KINDS) await recompute(tx, kind, 'all');
  });
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*) FROM tool_execution_hours)::int AS tool_execution_hours,
      (SELECT count(*) FROM tool_user_days)::int AS tool_user_days,
      (SELECT count(*) FROM intervention_hours)::int AS intervention_hours,
      (SELECT count(*) FROM recovery_hours)::int AS recovery_hours,
      (SELECT count(*) FROM retry_hours)::int AS retry_hours,
      (SELECT count(*) FROM session_hours)::int AS session_hours`,
  );
  return { rows: row };
}

/**
 * The raw aggregations the roll-ups store, computed now from the source tables (tests compare them with the
 * roll-up tables; the benchmark times them against reading the roll-ups).
 */
export const rawAggregations = {
  toolHours: (db: Db) => queryRows(db, toolHoursSelect('all')),
  toolUserDays: (db: Db) => queryRows(db, toolUserDaysSelect('all')),
  pauseHours: (db: Db) => queryRows(db, pauseHoursSelect('all')),
  recoveryHours: (db: Db) => queryRows(db, recoveryHoursSelect('all')),
  retryHours: (db: Db) => queryRows(db, retryHoursSelect('all')),
  sessionHours: (db: Db) => queryRows(db, sessionHoursSelect('all')),
};
