import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { BUCKETS, histogramQuantile } from './histogram';
import { bucketStarts, type TimeRange } from './range';

/**
 * Overview queries. Everything over a time range reads the hourly roll-ups (lib/db/schema/analytics.ts);
 * only the two point-in-time KPIs (active sessions, paused now) read live rows, through indexes.
 */
type Range = Pick<TimeRange, 'from' | 'to' | 'prevFrom' | 'bucket'>;

const iso = (d: Date) => d.toISOString();
const bucketExpr = (bucket: 'hour' | 'day'): SQL => (bucket === 'hour' ? sql`hour` : sql`fd_day(hour)`);
const inRange = (from: Date, to: Date): SQL => sql`hour >= ${iso(from)}::timestamptz AND hour < ${iso(to)}::timestamptz`;
const keyOf = (v: unknown) => new Date(v as string).toISOString();
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

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
 * the end of each period: the live count now, walked back to the period's end with the hourly roll-ups.
 */
export async function getOverviewKpis(db: Db, range: Range): Promise<OverviewKpis> {
  const periods = sql`CASE WHEN hour >= ${iso(range.from)}::timestamptz THEN 'cur' ELSE 'prev' END`;
  const window = inRange(range.prevFrom, range.to);
  const [live, resumes, recoveries, retries, tools] = await Promise.all([
    queryRows<Record<string, number>>(
      db,
      sql`SELECT
        (SELECT count(*) FROM agent_sessions WHERE status IN ('running', 'paused', 'recovering'))::int AS active_now,
        (SELECT count(*) FROM paused_sessions WHERE NOT resolved)::int AS paused_now,
        (SELECT coalesce(sum(started), 0) FROM session_hours WHERE hour >= ${iso(range.to)}::timestamptz)::int AS s_to,
        (SELECT coalesce(sum(ended), 0) FROM session_hours WHERE hour >= ${iso(range.to)}::timestamptz)::int AS e_to,
        (SELECT coalesce(sum(started), 0) FROM session_hours WHERE hour >= ${iso(range.from)}::timestamptz)::int AS s_from,
        (SELECT coalesce(sum(ended), 0) FROM session_hours WHERE hour >= ${iso(range.from)}::timestamptz)::int AS e_from,
        (SELECT coalesce(sum(pauses), 0) FROM intervention_hours WHERE hour >= ${iso(range.to)}::timestamptz)::int AS p_to,
        (SELECT coalesce(sum(resumed + restored + aborted), 0) FROM intervention_hours WHERE hour >= ${iso(range.to)}::timestamptz)::int AS r_to,
        (SELECT coalesce(sum(pauses), 0) FROM intervention_hours WHERE hour >= ${iso(range.from)}::timestamptz)::int AS p_from,
        (SELECT coalesce(sum(resumed + restored + aborted), 0) FROM intervention_hours WHERE hour >= ${iso(range.from)}::timestamptz)::int AS r_from`,
    ),
    queryRows<Record<string, unknown> & { period: string }>(
      db,
      sql`SELECT ${periods} AS period, ${histogramSums('resume_buckets')} FROM intervention_hours WHERE ${window} GROUP BY 1`,
    ),
    queryRows<{ period: string; ok: number; done: number }>(
      db,
      sql`SELECT ${periods} AS period, sum(recoveries) FILTER (WHERE recovery_status = 'succeeded')::int AS ok,
          sum(recoveries) FILTER (WHERE recovery_status <> 'in_progress')::int AS done
        FROM recovery_hours WHERE ${window} GROUP BY 1`,
    ),
    queryRows<{ period: string; recovered: number; failed: number }>(
      db,
      sql`SELECT ${periods} AS period, sum(recovered)::int AS recovered, sum(failed)::int AS failed
        FROM retry_hours WHERE ${window} GROUP BY 1`,
    ),
    queryRows<{ period: string; ok: number; total: number }>(
      db,
      sql`SELECT ${periods} AS period, sum(successes)::int AS ok, sum(executions)::int AS total
        FROM tool_execution_hours WHERE ${window} GROUP BY 1`,
    ),
  ]);
  const pick = <T extends { period: string }>(rows: T[], period: 'cur' | 'prev') => rows.find((r) => r.period === period);
  const both = <T extends { period: string }>(rows: T[], f: (r: T | undefined) => number | null): Kpi => ({
    current: f(pick(rows, 'cur')),
    previous: f(pick(rows, 'prev')),
  });
  // Counts at a past hour boundary T from the live count and the roll-ups: now − started since T + ended since T.
  const l = live[0] ?? {};
  return {
    activeSessions: {
      current: num(l.active_now) - num(l.s_to) + num(l.e_to),
      previous: num(l.active_now) - num(l.s_from) + num(l.e_from),
    },
    pausedNow: {
      current: num(l.paused_now) - num(l.p_to) + num(l.r_to),
      previous: num(l.paused_now) - num(l.p_from) + num(l.r_from),
    },
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
        FROM intervention_hours WHERE ${inRange(range.from, range.to)} AND pauses > 0 GROUP BY 1, 2`,
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
        FROM recovery_hours WHERE ${inRange(range.from, range.to)} GROUP BY 1, 2`,
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
        FROM retry_hours WHERE ${inRange(range.from, range.to)} GROUP BY 1`,
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
        FROM tool_execution_hours WHERE ${inRange(range.from, range.to)} GROUP BY 1`,
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
        FROM tool_execution_hours WHERE ${inRange(range.from, range.to)}
        GROUP BY tool_name HAVING sum(executions - successes) > 0
        ORDER BY failures DESC, tool_name LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    tool: r.tool_name,
    failures: num(r.failures),
    executions: num(r.executions),
    failure_rate: num(r.failures) / Math.max(1, num(r.executions)),
  }));
}
