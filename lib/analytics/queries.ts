import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { BUCKETS, histogramQuantile } from './histogram';
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
 * KPIs for the range against the previous period of the same length. Active sessions and paused are counted at
 * the end of each period T from the roll-ups: sessions started before T minus those ended before T (a session is
 * active until its ended_at), pauses started before T minus those resolved before T.
 */
export async function getOverviewKpis(db: Db, range: Range): Promise<OverviewKpis> {
  /** `select` over the current period's rows as period 'cur' and the previous period's as 'prev'. */
  const byPeriod = (kind: DailyKind, select: SQL) =>
    sql`SELECT 'cur' AS period, ${select} FROM (${rollupRows(kind, { from: range.from, to: range.to })}) cur
      UNION ALL SELECT 'prev' AS period, ${select} FROM (${rollupRows(kind, { from: range.prevFrom, to: range.from })}) prev`;
  const before = (kind: DailyKind, t: Date) => rollupRows(kind, { from: null, to: t });
  const [counts, resumes, recoveries, retries, tools] = await Promise.all([
    queryRows<Record<string, number>>(
      db,
      sql`SELECT
        (SELECT coalesce(sum(started - ended), 0) FROM (${before('session', range.to)}) s)::int AS active_to,
        (SELECT coalesce(sum(started - ended), 0) FROM (${before('session', range.from)}) s)::int AS active_from,
        (SELECT coalesce(sum(pauses - resumed - restored - aborted), 0) FROM (${before('pause', range.to)}) p)::int AS paused_to,
        (SELECT coalesce(sum(pauses - resumed - restored - aborted), 0) FROM (${before('pause', range.from)}) p)::int AS paused_from`,
      { prepare: true },
    ),
    queryRows<Record<string, unknown> & { period: string }>(db, byPeriod('pause', histogramSums('resume_buckets')), {
      prepare: true,
    }),
    queryRows<{ period: string; ok: number; done: number }>(
      db,
      byPeriod(
        'recovery',
        sql`sum(recoveries) FILTER (WHERE recovery_status = 'succeeded')::int AS ok,
          sum(recoveries) FILTER (WHERE recovery_status <> 'in_progress')::int AS done`,
      ),
      { prepare: true },
    ),
    queryRows<{ period: string; recovered: number; failed: number }>(
      db,
      byPeriod('retry', sql`sum(recovered)::int AS recovered, sum(failed)::int AS failed`),
      { prepare: true },
    ),
    queryRows<{ period: string; ok: number; total: number }>(
      db,
      byPeriod('tool', sql`sum(successes)::int AS ok, sum(executions)::int AS total`),
      { prepare: true },
    ),
  ]);
  const pick = <T extends { period: string }>(rows: T[], period: 'cur' | 'prev') => rows.find((r) => r.period === period);
  const both = <T extends { period: string }>(rows: T[], f: (r: T | undefined) => number | null): Kpi => ({
    current: f(pick(rows, 'cur')),
    previous: f(pick(rows, 'prev')),
  });
  const c = counts[0] ?? {};
  return {
    activeSessions: { current: num(c.active_to), previous: num(c.active_from) },
    pausedNow: { current: num(c.paused_to), previous: num(c.paused_from) },
    medianTimeToResumeS: both(resumes, (r) => (r ? histogramQuantile(histogramOf(r), 0.5) : null)),
    recoverySuccessRate: both(recoveries, (r) => rate(num(r?.ok), num(r?.done))),
    retrySuccessRate: both(retries, (r) => rate(num(r?.recovered), num(r?.recovered) + num(r?.failed))),
    toolSuccessRate: both(tools, (r) => rate(num(r?.ok), num(r?.total))),
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

/** Database retries per hour (always hourly), with the share of retried operations that then succeeded. */
export async function listRetriesPerHour(db: Db, range: Range): Promise<RetriesPoint[]> {
  const rows = await queryRows<{ b: string; retries: number; recovered: number; failed: number }>(
    db,
    sql`SELECT hour AS b, sum(retries)::int AS retries, sum(recovered)::int AS recovered, sum(failed)::int AS failed
        FROM (${rollupRows('retry', { from: range.from, to: range.to, hourly: true })}) r GROUP BY 1`,
    { prepare: true },
  );
  const byHour = new Map(rows.map((r) => [keyOf(r.b), r]));
  return bucketStarts(range, 'hour').map((b) => {
    const r = byHour.get(b);
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
