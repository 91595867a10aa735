import { sql } from 'drizzle-orm';
import { histogramOf, histogramSums } from '@/lib/analytics/queries';
import { histogramQuantile } from '@/lib/analytics/histogram';
import { bucketStarts, type TimeRange } from '@/lib/analytics/range';
import { rollupRows } from '@/lib/analytics/rollups';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * Tools page queries: per-tool statistics from the roll-ups (daily, hourly at the range's edges; p50/p95 estimated
 * from the summed log2 latency histograms), recent failures from the raw history (keyset pages), and the users to pick from.
 */
type Range = Pick<TimeRange, 'from' | 'to' | 'bucket'>;
const iso = (d: Date) => d.toISOString();
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export type ToolStatistics = {
  tool: string;
  executions: number;
  successRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  meanMs: number;
  satisfaction: number | null;
  /** Success rate per chart bucket (null where the tool did not run): the sparkline. */
  trend: (number | null)[];
};

export async function listToolStatistics(db: Db, range: Range): Promise<ToolStatistics[]> {
  const rows = rollupRows('tool', { from: range.from, to: range.to });
  const bucketRows = rollupRows('tool', { from: range.from, to: range.to, hourly: range.bucket === 'hour' });
  const bucket = range.bucket === 'hour' ? sql`hour` : sql`fd_day(hour)`;
  const [totals, trend] = await Promise.all([
    queryRows<Record<string, unknown> & { tool_name: string }>(
      db,
      sql`SELECT tool_name, sum(executions)::int AS executions, sum(successes)::int AS successes,
          sum(time_sum_ms)::float8 AS time_sum_ms, sum(satisfaction_sum)::int AS sat_sum,
          sum(satisfaction_count)::int AS sat_count, ${histogramSums('latency_buckets')}
        FROM (${rows}) r GROUP BY tool_name ORDER BY executions DESC, tool_name`,
      { prepare: true },
    ),
    queryRows<{ tool_name: string; b: string; executions: number; successes: number }>(
      db,
      sql`SELECT tool_name, ${bucket} AS b, sum(executions)::int AS executions, sum(successes)::int AS successes
        FROM (${bucketRows}) r GROUP BY 1, 2`,
      { prepare: true },
    ),
  ]);
  const buckets = bucketStarts(range, range.bucket);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const trends = new Map<string, (number | null)[]>();
  for (const r of trend) {
    let t = trends.get(r.tool_name);
    if (!t) trends.set(r.tool_name, (t = buckets.map(() => null)));
    const i = index.get(new Date(r.b).toISOString());
    if (i !== undefined && num(r.executions) > 0) t[i] = num(r.successes) / num(r.executions);
  }
  return totals.map((r) => {
    const hist = histogramOf(r);
    const executions = num(r.executions);
    return {
      tool: r.tool_name,
      executions,
      successRate: executions ? num(r.successes) / executions : 0,
      p50Ms: histogramQuantile(hist, 0.5),
      p95Ms: histogramQuantile(hist, 0.95),
      meanMs: executions ? num(r.time_sum_ms) / executions : 0,
      satisfaction: num(r.sat_count) ? num(r.sat_sum) / num(r.sat_count) : null,
      trend: trends.get(r.tool_name) ?? buckets.map(() => null),
    };
  });
}

export type ToolFailure = {
  id: number;
  createdAt: string;
  userId: string;
  toolName: string;
  executionTimeMs: number;
  errorMessage: string | null;
  sessionId: string | null;
};

export type FailureCursor = { createdAt: string; id: number };

export function encodeFailureCursor(c: FailureCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

export function decodeFailureCursor(s: string | null | undefined): FailureCursor | null {
  if (!s) return null;
  const [createdAt, id] = Buffer.from(s, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^\d+$/.test(id)) return null;
  return { createdAt, id: Number(id) };
}

/**
 * Failed executions in the range, newest first, filtered by tool and/or end user, keyset-paginated on
 * (created_at, id). Served by the partial indexes idx_user_tool_history_failures_tool (tool) and _failures, or
 * _user_created (user).
 */
export async function listRecentToolFailures(
  db: Db,
  input: { range: Pick<TimeRange, 'from' | 'to'>; tool?: string; userId?: string; cursor?: FailureCursor | null; limit?: number },
): Promise<{ items: ToolFailure[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 25, 1), 200);
  const rows = await queryRows<{
    id: number;
    created_at: string | Date;
    user_id: string;
    tool_name: string;
    execution_time_ms: number;
    error_message: string | null;
    session_id: string | null;
  }>(
    db,
    sql`SELECT id, created_at, user_id, tool_name, execution_time_ms, error_message, session_id
        FROM user_tool_history
        WHERE NOT success
          AND created_at >= ${iso(input.range.from)}::timestamptz AND created_at < ${iso(input.range.to)}::timestamptz
          ${input.tool ? sql`AND tool_name = ${input.tool}` : sql``}
          ${input.userId ? sql`AND user_id = ${input.userId}` : sql``}
          ${input.cursor ? sql`AND (created_at, id) < (${input.cursor.createdAt}::timestamptz, ${input.cursor.id})` : sql``}
        ORDER BY created_at DESC NULLS LAST, id DESC NULLS LAST
        LIMIT ${limit + 1}`,
    { prepare: true },
  );
  const items = rows.slice(0, limit).map((r) => ({
    id: Number(r.id),
    createdAt: new Date(r.created_at).toISOString(),
    userId: r.user_id,
    toolName: r.tool_name,
    executionTimeMs: Number(r.execution_time_ms),
    errorMessage: r.error_message,
    sessionId: r.session_id,
  }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeFailureCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/**
 * End users with tool runs in the last 30 days, most active first (the Tools page's user picker): the first rows
 * of idx_tool_users_runs, however many users there are (tool_users is kept by the roll-up refresh).
 */
export async function listToolUsers(db: Db, input: { limit?: number } = {}): Promise<{ userId: string; runs: number }[]> {
  const rows = await queryRows<{ user_id: string; runs: number }>(
    db,
    sql`SELECT user_id, runs FROM tool_users ORDER BY runs DESC, user_id LIMIT ${input.limit ?? 200}`,
    { prepare: true },
  );
  return rows.map((r) => ({ userId: r.user_id, runs: num(r.runs) }));
}
