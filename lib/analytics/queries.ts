import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { BUCKETS, histogramQuantile, toNumberArray } from './histogram';
import { bucketStarts, type TimeRange } from './range';
import { rollupRows, type DailyKind } from './rollups';

/**
 * Overview queries. Everything reads the roll-ups (lib/db/schema/analytics.ts) through `rollupRows`: whole UTC
 * days from the daily twins, the partial days at the range's edges from the hourly tables.
 */
type Range = Pick<TimeRange, 'from' | 'to' | 'prevFrom' | 'bucket'>;

const keyOf = (v: unknown) => new Date(v as string).toISOString();
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The roll-up rows of a chart range: days unless the chart is hourly. */
const rangeRows = (kind: DailyKind, range: Pick<Range, 'from' | 'to' | 'bucket'>) =>
  rollupRows(kind, { from: range.from, to: range.to, hourly: range.bucket === 'hour' });

/** `bucket` of a roll-up row (the day of a day row is its `hour`). */
const bucketExpr = (bucket: 'hour' | 'day'): SQL => (bucket === 'hour' ? sql`hour` : sql`fd_day(hour)`);

/** `sum(col[1]) AS b0, …`: a summed histogram in one row. */
export function histogramSums(col: string): SQL {
  return sql.raw(Array.from({ length: BUCKETS }, (_, i) => `coalesce(sum(${col}[${i + 1}]), 0)::int AS b${i}`).join(', '));
}
/** `ARRAY[sum(col[1]), …]`: a summed histogram as one int[] column (zeros when no rows). */
function histogramArray(col: string): string {
  return `ARRAY[${Array.from({ length: BUCKETS }, (_, i) => `coalesce(sum(${col}[${i + 1}]), 0)`).join(', ')}]::int[]`;
}
export function histogramOf(row: Record<string, unknown>): number[] {
  return Array.from({ length: BUCKETS }, (_, i) => num(row[`b${i}`]));
}

export type Kpi = { current: number | null; previous: number | null };
export type OverviewKpis = {
  activeSessions: Kpi;
  pausedNow: Kpi;
  medianTimeToResumeS: Kpi;
  recoverySuccessRate: Kpi;
  retrySuccessRate: Kpi;
  toolSuccessRate: Kpi;
};

const rate = (ok: number, total: number) => (total > 0 ? ok / total : null);

/**
 * KPIs for the range against the previous period of the same length, in one prepared statement of scalar
 * subqueries (one round trip; each subquery planned on its own). Active sessions and paused are counted at the end
 * of each period T from the roll-ups: sessions started before T minus those ended before T (a session is active
 * until its ended_at), pauses started before T minus those resolved before T.
 */
export async function getOverviewKpis(db: Db, range: Range): Promise<OverviewKpis> {
  const periods = { cur: { from: range.from, to: range.to }, prev: { from: range.prevFrom, to: range.from } };
  /** One value (a number or an int[]) aggregated over a roll-up's rows in a span. */
  const over = (name: string, kind: DailyKind, span: { from: Date | null; to: Date | null }, value: string) =>
    sql`(SELECT ${sql.raw(value)} FROM (${rollupRows(kind, span)}) r) AS ${sql.raw(name)}`;
  const ints = (...xs: string[]) => `ARRAY[${xs.map((x) => `coalesce(${x}, 0)`).join(', ')}]::int[]`;
  const columns = (['cur', 'prev'] as const).flatMap((p) => [
    over(`active_${p}`, 'session', { from: null, to: periods[p].to }, 'sum(started - ended)'),
    over(`paused_${p}`, 'pause', { from: null, to: periods[p].to }, 'sum(pauses - resumed - restored - aborted)'),
    over(`resume_${p}`, 'pause', periods[p], histogramArray('resume_buckets')),
    over(
      `recovery_${p}`,
      'recovery',
      periods[p],
      ints(`sum(recoveries) FILTER (WHERE recovery_status = 'succeeded')`, `sum(recoveries) FILTER (WHERE recovery_status <> 'in_progress')`),
    ),
    over(`retry_${p}`, 'retry', periods[p], ints('sum(recovered)', 'sum(failed)')),
    over(`tool_${p}`, 'tool', periods[p], ints('sum(successes)', 'sum(executions)')),
  ]);
  const [row = {}] = await queryRows<Record<string, unknown>>(db, sql`SELECT ${sql.join(columns, sql`, `)}`, { prepare: true });
  const kpi = (f: (p: 'cur' | 'prev') => number | null): Kpi => ({ current: f('cur'), previous: f('prev') });
  const pair = (name: string) => {
    const [a = 0, b = 0] = toNumberArray(row[name]);
    return [a, b] as const;
  };
  return {
    activeSessions: kpi((p) => num(row[`active_${p}`])),
    pausedNow: kpi((p) => num(row[`paused_${p}`])),
    medianTimeToResumeS: kpi((p) => histogramQuantile(toNumberArray(row[`resume_${p}`]), 0.5)),
    recoverySuccessRate: kpi((p) => rate(...pair(`recovery_${p}`))),
    retrySuccessRate: kpi((p) => {
      const [recovered, failed] = pair(`retry_${p}`);
      return rate(recovered, recovered + failed);
    }),
    toolSuccessRate: kpi((p) => rate(...pair(`tool_${p}`))),
  };
}

export const pauseTypeOrder = ['retry_limit', 'blocker', 'error', 'timeout', 'manual', 'budget'] as const;
export type InterventionsPoint = { bucket: string } & Record<(typeof pauseTypeOrder)[number], number>;

/** Pauses started per bucket, by pause type (stacked bars). */
export async function listInterventionsByType(db: Db, range: Range): Promise<InterventionsPoint[]> {
  const rows = await queryRows<{ b: string; pause_type: string; n: number }>(
    db,
    sql`SELECT ${bucketExpr(range.bucket)} AS b, pause_type, sum(pauses)::int AS n
        FROM (${rangeRows('pause', range)}) r WHERE pauses > 0 GROUP BY 1, 2`,
    { prepare: true },
  );
  const byBucket = new Map(
    bucketStarts(range, range.bucket).map((b) => [b, { bucket: b, ...Object.fromEntries(pauseTypeOrder.map((t) => [t, 0])) } as InterventionsPoint]),
  );
  for (const r of rows) {
    const p = byBucket.get(keyOf(r.b));
    if (p && r.pause_type in p) p[r.pause_type as (typeof pauseTypeOrder)[number]] += num(r.n);
  }
  return [...byBucket.values()];
}

export type RecoveriesPoint = {
  bucket: string;
  succeeded: number;
  failed: number;
  abandoned: number;
  in_progress: number;
  /** succeeded / finished, null when none finished. */
  success_rate: number | null;
};

/** Recoveries started per bucket, by status, with the success rate of the finished ones. */
export async function listRecoveriesByStatus(db: Db, range: Range): Promise<RecoveriesPoint[]> {
  const rows = await queryRows<{ b: string; recovery_status: string; n: number }>(
    db,
    sql`SELECT ${bucketExpr(range.bucket)} AS b, recovery_status, sum(recoveries)::int AS n
        FROM (${rangeRows('recovery', range)}) r GROUP BY 1, 2`,
    { prepare: true },
  );
  const byBucket = new Map(
    bucketStarts(range, range.bucket).map((b) => [
      b,
      { bucket: b, succeeded: 0, failed: 0, abandoned: 0, in_progress: 0, success_rate: null } as RecoveriesPoint,
    ]),
  );
  for (const r of rows) {
    const p = byBucket.get(keyOf(r.b));
    const s = r.recovery_status as 'succeeded' | 'failed' | 'abandoned' | 'in_progress';
    if (p && s in p) p[s] += num(r.n);
  }
  for (const p of byBucket.values()) p.success_rate = rate(p.succeeded, p.succeeded + p.failed + p.abandoned);
  return [...byBucket.values()];
}

export type RetriesPoint = { bucket: string; retries: number; recovered: number; failed: number; success_rate: number | null };

/**
 * Database retries per bucket (hours up to two days, else days, like every other chart: 168 hourly bars of a week
 * squeezed a few busy hours into a sliver), with the share of retried operations that then succeeded.
 */
export async function listRetries(db: Db, range: Range): Promise<RetriesPoint[]> {
  const rows = await queryRows<{ b: string; retries: number; recovered: number; failed: number }>(
    db,
    sql`SELECT ${bucketExpr(range.bucket)} AS b, sum(retries)::int AS retries, sum(recovered)::int AS recovered, sum(failed)::int AS failed
        FROM (${rangeRows('retry', range)}) r GROUP BY 1`,
    { prepare: true },
  );
  const byBucket = new Map(rows.map((r) => [keyOf(r.b), r]));
  return bucketStarts(range, range.bucket).map((b) => {
    const r = byBucket.get(b);
    const recovered = num(r?.recovered);
    const failed = num(r?.failed);
    return { bucket: b, retries: num(r?.retries), recovered, failed, success_rate: rate(recovered, recovered + failed) };
  });
}

export type ToolTrendPoint = { bucket: string; executions: number; failures: number; success_rate: number | null };

/** Fleet-wide tool executions and success rate per bucket. */
export async function listToolSuccessTrend(db: Db, range: Range): Promise<ToolTrendPoint[]> {
  const rows = await queryRows<{ b: string; executions: number; successes: number }>(
    db,
    sql`SELECT ${bucketExpr(range.bucket)} AS b, sum(executions)::int AS executions, sum(successes)::int AS successes
        FROM (${rangeRows('tool', range)}) r GROUP BY 1`,
    { prepare: true },
  );
  const byBucket = new Map(rows.map((r) => [keyOf(r.b), r]));
  return bucketStarts(range, range.bucket).map((b) => {
    const r = byBucket.get(b);
    const executions = num(r?.executions);
    const successes = num(r?.successes);
    return { bucket: b, executions, failures: executions - successes, success_rate: rate(successes, executions) };
  });
}

export type FailingTool = { tool: string; failures: number; executions: number; failure_rate: number };

/** Tools with the most failed executions in the range. */
export async function listTopFailingTools(db: Db, range: Range, limit = 8): Promise<FailingTool[]> {
  const rows = await queryRows<{ tool_name: string; failures: number; executions: number }>(
    db,
    sql`SELECT tool_name, sum(executions - successes)::int AS failures, sum(executions)::int AS executions
        FROM (${rollupRows('tool', { from: range.from, to: range.to })}) r
        GROUP BY tool_name HAVING sum(executions - successes) > 0
        ORDER BY failures DESC, tool_name LIMIT ${limit}`,
    { prepare: true },
  );
  return rows.map((r) => ({
    tool: r.tool_name,
    failures: num(r.failures),
    executions: num(r.executions),
    failure_rate: num(r.failures) / Math.max(1, num(r.executions)),
  }));
}
