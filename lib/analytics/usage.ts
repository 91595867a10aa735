import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { histogramQuantile } from './histogram';
import { histogramOf, histogramSums } from './queries';
import { bucketStarts, type TimeRange } from './range';
import { rollupRows } from './rollups';

/**
 * Usage (tokens and cost) for Overview: the roll-up's raw aggregation (usage_records per project and hour, kept by
 * lib/analytics/rollups.ts like the other families) and the chart reads over it. Also the time from a pause to the
 * first thing a person did about it.
 */
type Range = Pick<TimeRange, 'from' | 'to' | 'bucket'>;

/** usage_records by hour (or UTC day) and project: what usage_hours (usage_days) hold. */
export function usageHoursSelect(hoursFilter: SQL, grain: 'hour' | 'day' = 'hour'): SQL {
  return sql`SELECT ${sql.raw(grain === 'hour' ? 'fd_hour' : 'fd_day')}(created_at) AS hour, project, count(*)::int AS reports,
      coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens,
      coalesce(sum(cost), 0)::float8 AS cost_usd
    FROM usage_records WHERE ${hoursFilter} GROUP BY 1, 2`;
}

export type UsageSeries = {
  /** The projects drawn, costliest first (then by tokens); the rest are summed as "other". */
  projects: string[];
  points: Array<{ bucket: string; cost: Record<string, number>; tokens: Record<string, number> }>;
};

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
export const OTHER_PROJECTS = 'other';

/**
 * Cost (USD) and tokens (input + output) per bucket (hours up to two days, else UTC days) and project, from the
 * usage roll-up rows of the range (`rows`: rollupRows('usage', …)); the top `top` projects by cost, the rest as
 * "other". Every bucket is present.
 */
export async function listUsageByProject(db: Db, range: Range, rows: SQL, top = 6): Promise<UsageSeries> {
  const bucket = range.bucket === 'hour' ? sql`hour` : sql`fd_day(hour)`;
  const found = await queryRows<{ b: string; project: string; t: number; c: number }>(
    db,
    sql`SELECT ${bucket} AS b, project, sum(input_tokens + output_tokens)::float8 AS t, sum(cost_usd)::float8 AS c
        FROM (${rows}) r GROUP BY 1, 2`,
    { prepare: true },
  );
  const totals = new Map<string, { c: number; t: number }>();
  for (const r of found) {
    const x = totals.get(r.project) ?? { c: 0, t: 0 };
    x.c += num(r.c);
    x.t += num(r.t);
    totals.set(r.project, x);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].c - a[1].c || b[1].t - a[1].t || a[0].localeCompare(b[0])).map(([p]) => p);
  const shown = ranked.slice(0, top);
  const projects = ranked.length > top ? [...shown, OTHER_PROJECTS] : shown;
  const zero = () => Object.fromEntries(projects.map((p) => [p, 0]));
  const byBucket = new Map(bucketStarts(range, range.bucket).map((b) => [b, { bucket: b, cost: zero(), tokens: zero() }]));
  for (const r of found) {
    const point = byBucket.get(new Date(r.b).toISOString());
    if (!point) continue;
    const key = shown.includes(r.project) ? r.project : OTHER_PROJECTS;
    point.cost[key] += num(r.c);
    point.tokens[key] += num(r.t);
  }
  return { projects, points: [...byBucket.values()] };
}

export type FirstActionStats = { pauses: number; acted: number; p50S: number | null; p95S: number | null };

/**
 * Time from a pause to the first thing a person did about it (assign, note, resume, abort or restore; the system's
 * and the agent's own actions do not count), p50 and p95 over the pauses started in the range that a person acted on.
 * Read from the pause roll-up (drizzle/0021: per hour of pause start, `acted` and a log2 histogram of the wait), so a
 * view reads a few roll-up rows whatever the fleet's size; like the median time to resume, each percentile is
 * interpolated inside its histogram bucket (lib/analytics/histogram.ts): it lies in the bucket of the true value.
 */
export async function getTimeToFirstHumanAction(db: Db, range: Pick<TimeRange, 'from' | 'to'>): Promise<FirstActionStats> {
  const [r] = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT coalesce(sum(pauses), 0)::int AS pauses, coalesce(sum(acted), 0)::int AS acted, ${histogramSums('first_action_buckets')}
        FROM (${rollupRows('pause', { from: range.from, to: range.to })}) r`,
  );
  const hist = r ? histogramOf(r) : [];
  return { pauses: num(r?.pauses), acted: num(r?.acted), p50S: histogramQuantile(hist, 0.5), p95S: histogramQuantile(hist, 0.95) };
}
