import { sql, type SQL } from 'drizzle-orm';
import { rollupRows } from '@/lib/analytics/rollups';
import { queryRows, type Db } from '@/lib/db/client';
import type { RecoveryStatus } from '@/lib/db/schema';

/**
 * Recoveries page reads. History has the columns of v_checkpoint_recovery_history but reads the table itself:
 * the view ends in ORDER BY, which stops Postgres from pulling it up, so a keyset page on the view sorted
 * every recovery (150 ms at 30k rows) instead of walking idx_checkpoint_recoveries_started (< 1 ms). The charts
 * aggregate checkpoint_recoveries over a time window, a range scan of the same index, so their cost follows the
 * window, not the table.
 */
export type RecoveryHistoryRow = {
  id: string;
  session_id: string;
  checkpoint_id: string;
  project: string;
  agent_name: string;
  checkpoint_sequence: number;
  recovery_method: string;
  recovery_status: string;
  started_at: Date;
  started_at_text: string;
  completed_at: Date | null;
  recovery_duration_seconds: string | number | null;
  initiated_by: string | null;
  error: string | null;
};

export type RecoveryCursor = { startedAt: string; id: string };

export function encodeRecoveryCursor(c: RecoveryCursor) {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeRecoveryCursor(s: string | null | undefined): RecoveryCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof c.startedAt === 'string' && !Number.isNaN(Date.parse(c.startedAt)) && /^[0-9a-f-]{36}$/i.test(c.id) ? c : null;
  } catch {
    return null;
  }
}

// v_checkpoint_recovery_history's columns, all on the recovery (drizzle/0019): no lookup of the session or the
// checkpoint per row, whose cost grew with those tables (p50 ×2.35 from 100k to 1M sessions, same plan and buffers).
// NULLS LAST in the ORDER BYs matches the index exactly.
const historySelect = sql`SELECT r.id, r.session_id, r.checkpoint_id, r.project, r.agent_name, r.checkpoint_sequence,
         r.recovery_method, r.recovery_status, r.started_at, r.started_at::text AS started_at_text, r.completed_at,
         r.recovery_duration_seconds, r.initiated_by, r.error
    FROM checkpoint_recoveries r`;

export async function listRecoveries(
  db: Db,
  input: { limit?: number; cursor?: RecoveryCursor | null; status?: RecoveryStatus; since?: Date; until?: Date } = {},
) {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const where: SQL[] = [];
  if (input.since) where.push(sql`r.started_at >= ${input.since.toISOString()}::timestamptz`);
  if (input.until) where.push(sql`r.started_at < ${input.until.toISOString()}::timestamptz`);
  if (input.cursor) {
    where.push(sql`(r.started_at, r.id) < (${input.cursor.startedAt}::timestamptz, ${input.cursor.id}::uuid)`);
  }
  if (input.status) where.push(sql`r.recovery_status = ${input.status}`);
  const rows = await queryRows<RecoveryHistoryRow>(
    db,
    sql`${historySelect}
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY r.started_at DESC NULLS LAST, r.id DESC NULLS LAST LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeRecoveryCursor({ startedAt: last.started_at_text, id: last.id }) : null,
  };
}

/** Every matching recovery, newest first, page by page (CSV export) so memory stays flat. */
export async function* iterateRecoveries(
  db: Db,
  input: { status?: RecoveryStatus; since?: Date; until?: Date },
  pageSize = 500,
) {
  let cursor: RecoveryCursor | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof listRecoveries>> = await listRecoveries(db, { ...input, cursor, limit: pageSize });
    yield* page.rows;
    if (!page.nextCursor) return;
    cursor = decodeRecoveryCursor(page.nextCursor);
  }
}

export type RecoveryMethodStats = {
  method: string;
  total: number;
  succeeded: number;
  failed: number;
  abandoned: number;
  inProgress: number;
  /** succeeded / finished (succeeded + failed + abandoned); null when none finished. */
  successRate: number | null;
  /** Mean duration of the recoveries the agent reported on (succeeded or failed). */
  meanDurationSeconds: number | null;
};

type DayRow = {
  day: string;
  method: string;
  total: number;
  succeeded: number;
  failed: number;
  abandoned: number;
  in_progress: number;
  duration_sum: number | null;
  duration_n: number;
};

function toStats(method: string, rows: DayRow[]): RecoveryMethodStats {
  const sum = (k: 'total' | 'succeeded' | 'failed' | 'abandoned' | 'in_progress' | 'duration_n') => rows.reduce((n, r) => n + r[k], 0);
  const succeeded = sum('succeeded');
  const failed = sum('failed');
  const abandoned = sum('abandoned');
  const finished = succeeded + failed + abandoned;
  const durationN = sum('duration_n');
  const durationSum = rows.reduce((n, r) => n + Number(r.duration_sum ?? 0), 0);
  return {
    method,
    total: sum('total'),
    succeeded,
    failed,
    abandoned,
    inProgress: sum('in_progress'),
    successRate: finished ? succeeded / finished : null,
    meanDurationSeconds: durationN ? durationSum / durationN : null,
  };
}

/**
 * The window's recoveries by UTC day and method, from the recovery roll-up (recovery_hours / recovery_days, kept by
 * the background job from the raw rows: lib/analytics/rollups.ts), so a view reads a few rows per day whatever the
 * fleet's size — it read every recovery of the window before (12 ms of Postgres per Recoveries view on the large data
 * set, ten times that at xlarge). Every figure of the page (by method, by day) is summed from these rows; durations are
 * carried as sum and count so means stay exact when days and methods are combined. The figures are as fresh as the
 * roll-up (the page says "Figures as of …"); the history and the latest failures below them read the live rows.
 */
async function recoveryDayRows(db: Db, span: { from: Date; to: Date }) {
  const reported = sql.raw(`recovery_status IN ('succeeded', 'failed')`);
  const count = (status: string) => sql`coalesce(sum(recoveries) FILTER (WHERE recovery_status = ${status}), 0)::int`;
  return queryRows<DayRow>(
    db,
    sql`SELECT to_char(fd_day(hour) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, recovery_method AS method,
               sum(recoveries)::int AS total, ${count('succeeded')} AS succeeded, ${count('failed')} AS failed,
               ${count('abandoned')} AS abandoned, ${count('in_progress')} AS in_progress,
               (sum(duration_seconds_sum) FILTER (WHERE ${reported}))::float8 AS duration_sum,
               coalesce(sum(duration_count) FILTER (WHERE ${reported}), 0)::int AS duration_n
          FROM (${rollupRows('recovery', span)}) r
         GROUP BY 1, 2
        HAVING sum(recoveries) > 0
         ORDER BY 1, 2`,
  );
}

export type RecoveryDayStats = RecoveryMethodStats & { day: string };

export type RecoveryStats = {
  /** Overall ('all') first, then each method seen in the window. */
  byMethod: RecoveryMethodStats[];
  /** Every day of the window, oldest first, with one entry per method seen that day. */
  byDay: { day: string; methods: RecoveryDayStats[] }[];
};

const DAY_MS = 86_400_000;

/** The last `days` UTC days including today, or an explicit span [from, to) (the console's time-range picker). */
export type RecoverySpan = { days: number } | { from: Date; to: Date };

function spanOf(input: RecoverySpan): { from: Date; to: Date } {
  if ('from' in input) return input;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return { from: new Date(today - (input.days - 1) * DAY_MS), to: new Date(today + DAY_MS) };
}

/** Success rate and mean duration by method and per day (UTC) over a span, from one query. */
export async function recoveryStats(db: Db, input: RecoverySpan): Promise<RecoveryStats> {
  const span = spanOf(input);
  const rows = await recoveryDayRows(db, span);
  const methods = [...new Set(rows.map((r) => r.method))].sort();
  const byMethod = [toStats('all', rows), ...methods.map((m) => toStats(m, rows.filter((r) => r.method === m)))];
  const byDayMap = new Map<string, RecoveryDayStats[]>();
  for (const r of rows) {
    const list = byDayMap.get(r.day) ?? [];
    list.push({ ...toStats(r.method, [r]), day: r.day });
    byDayMap.set(r.day, list);
  }
  const byDay: RecoveryStats['byDay'] = [];
  for (let t = Math.floor(span.from.getTime() / DAY_MS) * DAY_MS; t < span.to.getTime(); t += DAY_MS) {
    const d = new Date(t).toISOString().slice(0, 10);
    byDay.push({ day: d, methods: byDayMap.get(d) ?? [] });
  }
  return { byMethod, byDay };
}

/** Success rate and mean duration per method (and overall, method 'all') over the last `days` days. */
export async function recoveryStatsByMethod(db: Db, input: RecoverySpan) {
  return (await recoveryStats(db, input)).byMethod;
}

/** Per day (UTC) and method over the last `days` days; days without recoveries are filled with zeros. */
export async function recoveryStatsOverTime(db: Db, input: RecoverySpan) {
  return (await recoveryStats(db, input)).byDay;
}

/** The latest failed and abandoned recoveries with their errors. */
export async function listRecoveryFailures(db: Db, input: { limit?: number } = {}) {
  return queryRows<RecoveryHistoryRow>(
    db,
    sql`${historySelect}
         WHERE r.recovery_status IN ('failed', 'abandoned')
         ORDER BY r.started_at DESC NULLS LAST, r.id DESC NULLS LAST LIMIT ${input.limit ?? 20}`,
  );
}
