import { sql } from 'drizzle-orm';
import { betaQuantile, sampleBeta } from '@/lib/analytics/beta';
import { seededRng, type Rng } from '@/lib/analytics/random';
import { rollupRows } from '@/lib/analytics/rollups';
import { queryRows, type Db } from '@/lib/db/client';
import { env } from '@/lib/env';

/**
 * Which tools work for this end user: a Beta–Binomial estimate of each (user, tool) success probability.
 *
 * - Prior: Beta(k·p₀, k·(1−p₀)), p₀ = the tool's fleet-wide success rate over the last 30 days (Laplace-smoothed),
 *   k = TOOL_PREFERENCE_PRIOR_STRENGTH runs. A user with 2 runs stays near the fleet rate; with 200 runs their
 *   own record dominates.
 * - Evidence: the user's runs, each weighted 2^(−age / TOOL_PREFERENCE_HALF_LIFE_DAYS) (age of the run's UTC day
 *   midpoint), so a tool that starts failing drops within a few half-lives. Posterior Beta(α, β) with
 *   α = kp₀ + Σw·successes, β = k(1−p₀) + Σw·failures.
 * - Score by strategy: `mean` = α/(α+β); `lower_bound` = the 5 % quantile (cautious: prefers proven tools);
 *   `thompson` = one draw from the posterior (explores uncertain tools in proportion to their chance of being
 *   best). `lower`/`upper` are the 90 % credible interval.
 * - Satisfaction (1–5), when users rated runs, nudges the score by at most ±SATISFACTION_WEIGHT: a decayed mean
 *   shrunk towards the neutral 3 with the weight of SATISFACTION_PRIOR ratings.
 * Reads the per-(user, tool, day) roll-up (tool_user_days), never the raw history.
 */
export type PreferenceStrategy = 'mean' | 'lower_bound' | 'thompson';

export type RankedTool = {
  tool: string;
  score: number;
  mean: number;
  lower: number;
  upper: number;
  /** Decay-weighted runs and successes (what the posterior saw). */
  runs: number;
  successes: number;
  /** Decay-weighted mean rating 1–5, or null without ratings. */
  satisfaction: number | null;
};

export const SATISFACTION_WEIGHT = 0.05;
const SATISFACTION_PRIOR = 2;
const PRIOR_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export type PreferenceOptions = {
  halfLifeDays?: number;
  priorStrength?: number;
  /** Thompson draws: a seeded generator makes them repeatable (tests, replays). */
  rng?: Rng;
  seed?: number;
  /** Credible interval; default 0.9. */
  interval?: number;
  /** How long fleet priors are reused in this process (default 60 s; 0 = always read). */
  priorCacheMs?: number;
};

export type ToolEvidence = {
  tool: string;
  /** Fleet-wide executions and successes in the prior window. */
  fleetRuns: number;
  fleetSuccesses: number;
  /** The user's days with this tool. */
  days: { day: string; runs: number; successes: number; satisfactionSum: number; satisfactionCount: number }[];
};

/** The model itself, on evidence already loaded (pure: unit-tested without a database). */
export function scoreTools(
  evidence: ToolEvidence[],
  input: { strategy: PreferenceStrategy; now: Date } & PreferenceOptions,
): RankedTool[] {
  const halfLife = input.halfLifeDays ?? env().TOOL_PREFERENCE_HALF_LIFE_DAYS;
  const k = input.priorStrength ?? env().TOOL_PREFERENCE_PRIOR_STRENGTH;
  const tail = (1 - (input.interval ?? 0.9)) / 2;
  const rng = input.rng ?? (input.seed !== undefined ? seededRng(input.seed) : Math.random);
  const now = input.now.getTime();

  const ranked = evidence.map((e): RankedTool => {
    const p0 = (e.fleetSuccesses + 1) / (e.fleetRuns + 2);
    let runs = 0;
    let successes = 0;
    let satSum = 0;
    let satCount = 0;
    for (const d of e.days) {
      const mid = Date.parse(`${d.day}T12:00:00Z`);
      const ageDays = Math.max(0, (now - mid) / DAY_MS);
      const w = Math.pow(2, -ageDays / halfLife);
      runs += w * d.runs;
      successes += w * d.successes;
      satSum += w * d.satisfactionSum;
      satCount += w * d.satisfactionCount;
    }
    const alpha = k * p0 + successes;
    const beta = k * (1 - p0) + (runs - successes);
    const mean = alpha / (alpha + beta);
    const lower = betaQuantile(tail, alpha, beta);
    const upper = betaQuantile(1 - tail, alpha, beta);
    const base = input.strategy === 'mean' ? mean : input.strategy === 'lower_bound' ? lower : sampleBeta(alpha, beta, rng);
    const shrunkSat = (satSum + 3 * SATISFACTION_PRIOR) / (satCount + SATISFACTION_PRIOR);
    const score = base + SATISFACTION_WEIGHT * ((shrunkSat - 3) / 2);
    return {
      tool: e.tool,
      score,
      mean,
      lower,
      upper,
      runs,
      successes,
      satisfaction: satCount > 0 ? satSum / satCount : null,
    };
  });
  return ranked.sort((a, b) => b.score - a.score || b.runs - a.runs || a.tool.localeCompare(b.tool));
}

function textArray(values: string[]) {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

type FleetRow = { tool_name: string; runs: number; successes: number };
const PRIOR_CACHE_MS = 60_000;
const priorCache = new WeakMap<Db, { at: number; rows: FleetRow[] }>();

/**
 * Fleet-wide success per tool over the last 30 days (the priors), from the daily roll-up (hourly rows for the
 * window's first partial day). They move slowly and are half of a ranking's reads, so each process keeps them for
 * a minute: a ranking's prior is at most PRIOR_CACHE_MS (60 s) older than the roll-ups.
 */
async function loadFleetPriors(db: Db, now: Date, cacheMs: number): Promise<FleetRow[]> {
  const hit = priorCache.get(db);
  if (cacheMs > 0 && hit && Date.now() - hit.at < cacheMs) return hit.rows;
  const priorSince = new Date(now.getTime() - PRIOR_WINDOW_DAYS * DAY_MS);
  const rows = await queryRows<FleetRow>(
    db,
    sql`SELECT tool_name, sum(executions)::int AS runs, sum(successes)::int AS successes
        FROM (${rollupRows('tool', { from: priorSince, to: null })}) r GROUP BY tool_name`,
    { prepare: true },
  );
  if (cacheMs > 0) priorCache.set(db, { at: Date.now(), rows });
  return rows;
}

/** Loads the evidence for one user from the roll-ups (two index range scans). */
export async function loadToolEvidence(
  db: Db,
  input: { userId: string; tools?: string[]; now: Date; horizonDays?: number; priorCacheMs?: number },
): Promise<ToolEvidence[]> {
  const horizon = input.horizonDays ?? env().TOOL_HISTORY_RETENTION_DAYS;
  const since = new Date(input.now.getTime() - horizon * DAY_MS).toISOString().slice(0, 10);
  const toolFilter = (col: string) =>
    input.tools ? sql`AND ${sql.raw(col)} = ANY(${textArray(input.tools)}::text[])` : sql``;
  const [days, fleet] = await Promise.all([
    queryRows<{ tool_name: string; day: string | Date; runs: number; successes: number; satisfaction_sum: number; satisfaction_count: number }>(
      db,
      sql`SELECT tool_name, day::text AS day, runs, successes, satisfaction_sum, satisfaction_count
          FROM tool_user_days WHERE user_id = ${input.userId} AND day >= ${since}::date ${toolFilter('tool_name')}`,
      { prepare: true },
    ),
    loadFleetPriors(db, input.now, input.priorCacheMs ?? PRIOR_CACHE_MS),
  ]);
  const byTool = new Map<string, ToolEvidence>();
  const entry = (tool: string) => {
    let e = byTool.get(tool);
    if (!e) byTool.set(tool, (e = { tool, fleetRuns: 0, fleetSuccesses: 0, days: [] }));
    return e;
  };
  for (const t of input.tools ?? []) entry(t);
  const wanted = input.tools ? new Set(input.tools) : null;
  for (const f of fleet) {
    if (wanted && !wanted.has(f.tool_name)) continue;
    const e = entry(f.tool_name);
    e.fleetRuns = Number(f.runs);
    e.fleetSuccesses = Number(f.successes);
  }
  for (const d of days) {
    entry(d.tool_name).days.push({
      day: typeof d.day === 'string' ? d.day.slice(0, 10) : d.day.toISOString().slice(0, 10),
      runs: Number(d.runs),
      successes: Number(d.successes),
      satisfactionSum: Number(d.satisfaction_sum),
      satisfactionCount: Number(d.satisfaction_count),
    });
  }
  return [...byTool.values()];
}

/**
 * Ranks tools for an end user (GET /api/v1/tools/preferred). `tools` limits the candidates; without it every
 * tool the fleet or the user has used recently is ranked.
 */
export async function rankTools(
  input: { db: Db; userId: string; tools?: string[]; strategy: PreferenceStrategy; now?: Date } & PreferenceOptions,
): Promise<RankedTool[]> {
  const now = input.now ?? new Date();
  if (input.tools && input.tools.length === 0) return [];
  const evidence = await loadToolEvidence(input.db, {
    userId: input.userId,
    tools: input.tools,
    now,
    priorCacheMs: input.priorCacheMs,
  });
  return scoreTools(evidence, { ...input, now });
}
