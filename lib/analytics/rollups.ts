import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { BUCKETS } from './histogram';
import { markRollupsRefreshed, refreshToolUsers } from './rollup-state';
import { usageHoursSelect } from './usage';

/**
 * Keeping the hourly roll-ups and their daily twins (lib/db/schema/analytics.ts) equal to the raw rows.
 *
 * Why marks + recompute rather than incrementing counters on ingest: statement-level triggers (drizzle/0001)
 * insert the touched hours into rollup_dirty inside the writer's transaction, whichever code path writes
 * (API ingest, transitions, the seed, retention, a psql session). `refreshRollups` deletes the committed marks
 * and recomputes those hours from the raw rows with the same SQL as the full rebuild, so an hour is either
 * right or still marked: a late row, a satisfaction set days later or a deleted session all heal on the next
 * run, and the test "roll-up = raw" checks one code path. A mark whose writer has not committed yet is not
 * visible to the DELETE, so it survives and its hour is recomputed next time. The days of the recomputed hours are
 * then recomputed from the hourly rows in the same transaction, so a daily twin always equals its hours. One instance refreshes at a time
 * (transaction-scoped advisory lock); others skip.
 */
const ROLLUP_LOCK_KEY = 7_304_110_508; // arbitrary, constant: "flightdeck roll-ups"

export type RollupKind = 'tool' | 'tool_user_day' | 'pause' | 'recovery' | 'retry' | 'session' | 'usage';

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

/** Raw aggregations by hour (what the hourly tables hold) or by UTC day (what the daily twins must equal). */
type Grain = 'hour' | 'day';
const bucketFn = (grain: Grain) => sql.raw(grain === 'hour' ? 'fd_hour' : 'fd_day');

function toolHoursSelect(hours: HourSet, grain: Grain = 'hour'): SQL {
  return sql`SELECT ${bucketFn(grain)}(created_at) AS hour, tool_name,
      count(*)::int AS executions, (count(*) FILTER (WHERE success))::int AS successes,
      coalesce(sum(execution_time_ms), 0)::bigint AS time_sum_ms, ${histogram('execution_time_ms')} AS latency_buckets,
      coalesce(sum(user_satisfaction), 0)::int AS satisfaction_sum, count(user_satisfaction)::int AS satisfaction_count
    FROM user_tool_history WHERE ${inHours('created_at', hours)}
    GROUP BY 1, 2`;
}

function pauseHoursSelect(hours: HourSet, grain: Grain = 'hour'): SQL {
  const resumeSeconds = 'extract(epoch FROM resolved_at - paused_at)::float8';
  const resumedLike = `resolution IN ('resumed', 'restored')`;
  // The wait to the first action by a person (agent and system rows do not count), per pause; null = nobody yet.
  const firstAction = `extract(epoch FROM (SELECT min(a.created_at) FROM intervention_actions a
      WHERE a.paused_session_id = ps.id AND a.actor_type = 'user') - ps.paused_at)::float8`;
  return sql`WITH p AS (
      SELECT ${bucketFn(grain)}(paused_at) AS hour, pause_type, count(*)::int AS pauses, count(wait)::int AS acted,
        ${histogram('wait', 'wait IS NOT NULL')} AS first_action_buckets
      FROM (SELECT ps.paused_at, ps.pause_type, ${sql.raw(firstAction)} AS wait
            FROM paused_sessions ps WHERE ${inHours('ps.paused_at', hours)}) ps
      GROUP BY 1, 2
    ), r AS (
      SELECT ${bucketFn(grain)}(resolved_at) AS hour, pause_type,
        (count(*) FILTER (WHERE resolution = 'resumed'))::int AS resumed,
        (count(*) FILTER (WHERE resolution = 'restored'))::int AS restored,
        (count(*) FILTER (WHERE resolution = 'aborted'))::int AS aborted,
        coalesce(sum(${sql.raw(resumeSeconds)}) FILTER (WHERE ${sql.raw(resumedLike)}), 0)::float8 AS secs,
        ${histogram(resumeSeconds, resumedLike)} AS buckets
      FROM paused_sessions WHERE resolved_at IS NOT NULL AND ${inHours('resolved_at', hours)} GROUP BY 1, 2
    )
    SELECT hour, pause_type, coalesce(p.pauses, 0) AS pauses, coalesce(r.resumed, 0) AS resumed,
      coalesce(r.restored, 0) AS restored, coalesce(r.aborted, 0) AS aborted, coalesce(r.secs, 0) AS resume_seconds_sum,
      coalesce(r.buckets, array_fill(0, ARRAY[${sql.raw(String(BUCKETS))}])) AS resume_buckets,
      coalesce(p.acted, 0) AS acted,
      coalesce(p.first_action_buckets, array_fill(0, ARRAY[${sql.raw(String(BUCKETS))}])) AS first_action_buckets
    FROM p FULL JOIN r USING (hour, pause_type)`;
}

function recoveryHoursSelect(hours: HourSet, grain: Grain = 'hour'): SQL {
  return sql`SELECT ${bucketFn(grain)}(started_at) AS hour, recovery_method, recovery_status, count(*)::int AS recoveries,
      coalesce(sum(recovery_duration_seconds), 0)::float8 AS duration_seconds_sum,
      count(recovery_duration_seconds)::int AS duration_count
    FROM checkpoint_recoveries WHERE ${inHours('started_at', hours)} GROUP BY 1, 2, 3`;
}

function retryHoursSelect(hours: HourSet, grain: Grain = 'hour'): SQL {
  return sql`SELECT ${bucketFn(grain)}(minute) AS hour, error_class, sum(retries)::int AS retries, sum(recovered)::int AS recovered,
      sum(failed)::int AS failed
    FROM db_retry_log WHERE ${inHours('minute', hours)} GROUP BY 1, 2`;
}

function sessionHoursSelect(hours: HourSet, grain: Grain = 'hour'): SQL {
  return sql`WITH s AS (
      SELECT ${bucketFn(grain)}(started_at) AS hour, count(*)::int AS started FROM agent_sessions
      WHERE ${inHours('started_at', hours)} GROUP BY 1
    ), e AS (
      SELECT ${bucketFn(grain)}(ended_at) AS hour, count(*)::int AS ended FROM agent_sessions
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
        resume_seconds_sum, resume_buckets, acted, first_action_buckets) ${pauseHoursSelect(hours)}`);
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
    case 'usage':
      await tx.execute(del('usage_hours'));
      await tx.execute(sql`INSERT INTO usage_hours (hour, project, reports, input_tokens, output_tokens, cost_usd)
        ${usageHoursSelect(inHours('created_at', hours))}`);
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

/**
 * The hourly roll-ups that have a daily twin (drizzle/0002): a day row is the sum of that UTC day's hourly rows.
 * `keys` are the grouping columns besides the hour, `sums` the additive columns with their SQL type, `histograms`
 * the log2-bucket arrays (added element-wise).
 */
type Family = {
  hours: string;
  days: string;
  keys: string[];
  sums: [column: string, type: 'int' | 'bigint' | 'float8'][];
  histograms: string[];
};

export type DailyKind = Exclude<RollupKind, 'tool_user_day'>;

export const rollupFamilies: Record<DailyKind, Family> = {
  tool: {
    hours: 'tool_execution_hours',
    days: 'tool_execution_days',
    keys: ['tool_name'],
    sums: [['executions', 'int'], ['successes', 'int'], ['time_sum_ms', 'bigint'], ['satisfaction_sum', 'int'], ['satisfaction_count', 'int']],
    histograms: ['latency_buckets'],
  },
  pause: {
    hours: 'intervention_hours',
    days: 'intervention_days',
    keys: ['pause_type'],
    sums: [['pauses', 'int'], ['resumed', 'int'], ['restored', 'int'], ['aborted', 'int'], ['resume_seconds_sum', 'float8'], ['acted', 'int']],
    histograms: ['resume_buckets', 'first_action_buckets'],
  },
  recovery: {
    hours: 'recovery_hours',
    days: 'recovery_days',
    keys: ['recovery_method', 'recovery_status'],
    sums: [['recoveries', 'int'], ['duration_seconds_sum', 'float8'], ['duration_count', 'int']],
    histograms: [],
  },
  retry: {
    hours: 'retry_hours',
    days: 'retry_days',
    keys: ['error_class'],
    sums: [['retries', 'int'], ['recovered', 'int'], ['failed', 'int']],
    histograms: [],
  },
  session: { hours: 'session_hours', days: 'session_days', keys: [], sums: [['started', 'int'], ['ended', 'int']], histograms: [] },
  usage: {
    hours: 'usage_hours',
    days: 'usage_days',
    keys: ['project'],
    sums: [['reports', 'int'], ['input_tokens', 'bigint'], ['output_tokens', 'bigint'], ['cost_usd', 'float8']],
    histograms: [],
  },
};

const DAY_MS = 86_400_000;
const dayOf = (hour: string) => new Date(Math.floor(new Date(hour).getTime() / DAY_MS) * DAY_MS).toISOString();

const valueColumns = (f: Family) => [...f.keys, ...f.sums.map(([c]) => c), ...f.histograms];

/** Recomputes the given UTC days (ISO day starts) of a daily twin from its hourly table. */
async function recomputeDays(tx: Db, kind: DailyKind, days: 'all' | string[]) {
  const f = rollupFamilies[kind];
  const cols = valueColumns(f).join(', ');
  const aggregates = [
    ...f.keys,
    ...f.sums.map(([c, type]) => `sum(${c})::${type}`),
    ...f.histograms.map((h) => `ARRAY[${Array.from({ length: BUCKETS }, (_, i) => `sum(${h}[${i + 1}])`).join(', ')}]::int[]`),
  ].join(', ');
  const groupBy = ['1', ...f.keys.map((_, i) => String(i + 2))].join(', ');
  const select = (where: SQL) =>
    sql`INSERT INTO ${sql.raw(f.days)} (day, ${sql.raw(cols)})
      SELECT fd_day(hour), ${sql.raw(aggregates)} FROM ${sql.raw(f.hours)} WHERE ${where} GROUP BY ${sql.raw(groupBy)}`;
  if (days === 'all') {
    await tx.execute(sql.raw(`DELETE FROM ${f.days}`));
    await tx.execute(select(sql`TRUE`));
    return;
  }
  if (!days.length) return;
  const sorted = [...days].sort();
  const to = new Date(new Date(sorted[sorted.length - 1]).getTime() + DAY_MS).toISOString();
  await tx.execute(sql`DELETE FROM ${sql.raw(f.days)} WHERE day = ANY(${pgArray(sorted)}::timestamptz[])`);
  await tx.execute(
    select(sql`hour >= ${sorted[0]}::timestamptz AND hour < ${to}::timestamptz AND fd_day(hour) = ANY(${pgArray(sorted)}::timestamptz[])`),
  );
}

/**
 * The rows of a roll-up whose hour falls in [from, to) — `null` leaves that side open — with the same columns
 * as the hourly table (`hour`, keys, sums, histograms): whole UTC days from the daily twin (their `hour` is the
 * day start) and the partial days at the edges from the hourly table. Sums over it equal sums over the hourly
 * rows; grouping by fd_day(hour) gives days. `hourly: true` reads only the hourly table (hour-bucketed charts).
 */
export function rollupRows(kind: DailyKind, span: { from: Date | null; to: Date | null; hourly?: boolean }): SQL {
  const f = rollupFamilies[kind];
  const cols = sql.raw(valueColumns(f).join(', '));
  const hoursIn = (from: Date | null, to: Date | null) => {
    const conds = [
      ...(from ? [sql`hour >= ${from.toISOString()}::timestamptz`] : []),
      ...(to ? [sql`hour < ${to.toISOString()}::timestamptz`] : []),
    ];
    return sql`SELECT hour, ${cols} FROM ${sql.raw(f.hours)}${conds.length ? sql` WHERE ${sql.join(conds, sql` AND `)}` : sql``}`;
  };
  if (span.hourly) return hoursIn(span.from, span.to);
  // Whole days [d0, d1): d0 = first midnight at or after `from`, d1 = last midnight at or before `to`.
  const d0 = span.from ? new Date(Math.ceil(span.from.getTime() / DAY_MS) * DAY_MS) : null;
  const d1 = span.to ? new Date(Math.floor(span.to.getTime() / DAY_MS) * DAY_MS) : null;
  if (d0 && d1 && d0 >= d1) return hoursIn(span.from, span.to);
  const dayConds = [
    ...(d0 ? [sql`day >= ${d0.toISOString()}::timestamptz`] : []),
    ...(d1 ? [sql`day < ${d1.toISOString()}::timestamptz`] : []),
  ];
  const parts = [
    sql`SELECT day AS hour, ${cols} FROM ${sql.raw(f.days)}${dayConds.length ? sql` WHERE ${sql.join(dayConds, sql` AND `)}` : sql``}`,
    ...(d0 && span.from && span.from < d0 ? [hoursIn(span.from, d0)] : []),
    ...(d1 && span.to && d1 < span.to ? [hoursIn(d1, span.to)] : []),
  ];
  return sql.join(parts, sql` UNION ALL `);
}

const REFRESH_BATCH = 20_000;
const KINDS: RollupKind[] = ['tool', 'tool_user_day', 'pause', 'recovery', 'retry', 'session', 'usage'];

export type RefreshResult =
  | { ok: true; marks: number; hours: Record<RollupKind, number>; toolUsers: 'all' | number }
  | { ok: false; reason: 'busy' };

/**
 * Recomputes the hours marked since the last run (at most `batch` marks per call), then the per-user run counts
 * of the users touched (lib/analytics/rollup-state.ts); when no mark is left behind, stamps rollup_state as
 * caught up ("figures as of"). Run by the background job (lib/server/jobs.ts), never inside a page request.
 */
export async function refreshRollups(db: Db, options: { batch?: number } = {}): Promise<RefreshResult> {
  const batch = options.batch ?? REFRESH_BATCH;
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
    const users: string[] = [];
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
        users.push(...new Set(ofKind.map((m) => m.user_id ?? '')));
      } else {
        const set = [...new Set(ofKind.map((m) => new Date(m.hour).toISOString()))];
        await recompute(tx, kind, set);
        await recomputeDays(tx, kind, [...new Set(set.map(dayOf))]);
        hours[kind] = set.length;
      }
    }
    const toolUsers = await refreshToolUsers(tx, users);
    if (marks.length < batch) await markRollupsRefreshed(tx);
    return { ok: true, marks: marks.length, hours, toolUsers } as const;
  });
}

/** Refreshes batch after batch until no mark is left (a bulk load's backlog), at most `maxBatches` of them. */
export async function catchUpRollups(db: Db, maxBatches = 50): Promise<RefreshResult> {
  let r = await refreshRollups(db);
  for (let i = 1; i < maxBatches && r.ok && r.marks >= REFRESH_BATCH; i++) r = await refreshRollups(db);
  return r;
}

function emptyCounts(): Record<RollupKind, number> {
  return { tool: 0, tool_user_day: 0, pause: 0, recovery: 0, retry: 0, session: 0, usage: 0 };
}

/** Recomputes every roll-up from the raw rows (`npm run rollups:rebuild`); waits for a running refresh. */
export async function rebuildRollups(db: Db): Promise<{ rows: Record<string, number> }> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    await tx.execute(sql`DELETE FROM rollup_dirty`);
    for (const kind of KINDS) await recompute(tx, kind, 'all');
    for (const kind of Object.keys(rollupFamilies) as DailyKind[]) await recomputeDays(tx, kind, 'all');
    await refreshToolUsers(tx, 'all');
    await markRollupsRefreshed(tx);
  });
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*) FROM tool_execution_hours)::int AS tool_execution_hours,
      (SELECT count(*) FROM tool_user_days)::int AS tool_user_days,
      (SELECT count(*) FROM intervention_hours)::int AS intervention_hours,
      (SELECT count(*) FROM recovery_hours)::int AS recovery_hours,
      (SELECT count(*) FROM retry_hours)::int AS retry_hours,
      (SELECT count(*) FROM session_hours)::int AS session_hours,
      (SELECT count(*) FROM tool_execution_days)::int AS tool_execution_days,
      (SELECT count(*) FROM intervention_days)::int AS intervention_days,
      (SELECT count(*) FROM recovery_days)::int AS recovery_days,
      (SELECT count(*) FROM retry_days)::int AS retry_days,
      (SELECT count(*) FROM session_days)::int AS session_days`,
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
  // By UTC day, what the daily twins hold (column `hour` = the day start).
  toolDays: (db: Db) => queryRows(db, toolHoursSelect('all', 'day')),
  pauseDays: (db: Db) => queryRows(db, pauseHoursSelect('all', 'day')),
  recoveryDays: (db: Db) => queryRows(db, recoveryHoursSelect('all', 'day')),
  retryDays: (db: Db) => queryRows(db, retryHoursSelect('all', 'day')),
  sessionDays: (db: Db) => queryRows(db, sessionHoursSelect('all', 'day')),
  usageHours: (db: Db) => queryRows(db, usageHoursSelect(sql`TRUE`)),
  usageDays: (db: Db) => queryRows(db, usageHoursSelect(sql`TRUE`, 'day')),
};
