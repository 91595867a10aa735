import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { betaQuantile } from '@/lib/analytics/beta';
import { refreshRollups } from '@/lib/analytics/rollups';
import { describeEachDb } from '@/lib/test/db';
import { rankTools, scoreTools, type ToolEvidence } from './preference';

const now = new Date('2026-03-10T12:00:00Z');
const dayBefore = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
const day = (n: number, runs: number, successes: number, satisfactionSum = 0, satisfactionCount = 0) => ({
  day: dayBefore(n),
  runs,
  successes,
  satisfactionSum,
  satisfactionCount,
});
const opts = { now, halfLifeDays: 14, priorStrength: 10 };

describe('preference model', () => {
  it('gives the textbook posterior: Beta(k·p0 + s, k·(1−p0) + f)', () => {
    // No fleet data: p0 = 1/2, prior Beta(5, 5); today's 10 runs with 8 successes weigh 1.
    const [r] = scoreTools([{ tool: 'search', fleetRuns: 0, fleetSuccesses: 0, days: [day(0, 10, 8)] }], {
      ...opts,
      strategy: 'mean',
    });
    expect(r.mean).toBeCloseTo(13 / 20, 10);
    expect(r.runs).toBeCloseTo(10, 10);
    expect(r.lower).toBeCloseTo(betaQuantile(0.05, 13, 7), 10);
    expect(r.upper).toBeCloseTo(betaQuantile(0.95, 13, 7), 10);
    expect(r.lower).toBeLessThan(r.mean);
    expect(r.upper).toBeGreaterThan(r.mean);
  });

  it('lets the fleet prior dominate a user with two runs, and the user dominate with many', () => {
    const evidence = (userRuns: number): ToolEvidence[] => [
      // Fleet: reliable (90 %) vs coin-flip (50 %); this user saw the opposite.
      { tool: 'reliable', fleetRuns: 1000, fleetSuccesses: 900, days: [day(0, userRuns, 0)] },
      { tool: 'flaky', fleetRuns: 1000, fleetSuccesses: 500, days: [day(0, userRuns, userRuns)] },
    ];
    expect(scoreTools(evidence(2), { ...opts, strategy: 'mean' }).map((r) => r.tool)).toEqual(['reliable', 'flaky']);
    expect(scoreTools(evidence(200), { ...opts, strategy: 'mean' }).map((r) => r.tool)).toEqual(['flaky', 'reliable']);
  });

  it('weighs old runs less: one half-life halves their weight', () => {
    const [recent] = scoreTools([{ tool: 't', fleetRuns: 0, fleetSuccesses: 0, days: [day(0, 100, 0)] }], { ...opts, strategy: 'mean' });
    const [old] = scoreTools([{ tool: 't', fleetRuns: 0, fleetSuccesses: 0, days: [day(14, 100, 0)] }], { ...opts, strategy: 'mean' });
    expect(recent.runs).toBeCloseTo(100, 8);
    expect(old.runs).toBeCloseTo(50, 8);
    expect(old.mean).toBeCloseTo(5 / 60, 8);
    expect(old.mean).toBeGreaterThan(recent.mean);
  });

  it('changes the ranking when a tool starts failing', () => {
    const steady = { tool: 'steady', fleetRuns: 1000, fleetSuccesses: 800, days: Array.from({ length: 30 }, (_, i) => day(i, 10, 8)) };
    const history = Array.from({ length: 30 }, (_, i) => day(i + 5, 10, 10));
    const before: ToolEvidence = { tool: 'star', fleetRuns: 1000, fleetSuccesses: 950, days: history };
    const after: ToolEvidence = { ...before, days: [...history, ...[0, 1, 2, 3, 4].map((i) => day(i, 20, 1))] };
    for (const strategy of ['mean', 'lower_bound'] as const) {
      expect(scoreTools([steady, before], { ...opts, strategy })[0].tool).toBe('star');
      expect(scoreTools([steady, after], { ...opts, strategy })[0].tool).toBe('steady');
    }
  });

  it('ranks a proven tool above an unproven one with the same mean under lower_bound', () => {
    const evidence: ToolEvidence[] = [
      { tool: 'new', fleetRuns: 10, fleetSuccesses: 8, days: [] },
      { tool: 'proven', fleetRuns: 5000, fleetSuccesses: 4000, days: [day(0, 400, 320)] },
    ];
    const ranked = scoreTools(evidence, { ...opts, strategy: 'lower_bound' });
    expect(ranked.map((r) => r.tool)).toEqual(['proven', 'new']);
    expect(ranked[1].upper - ranked[1].lower).toBeGreaterThan(ranked[0].upper - ranked[0].lower);
  });

  it('uses satisfaction only to separate tools that work equally well', () => {
    const base = { fleetRuns: 100, fleetSuccesses: 80 };
    const ranked = scoreTools(
      [
        { tool: 'disliked', ...base, days: [day(0, 20, 16, 20, 20)] },
        { tool: 'liked', ...base, days: [day(0, 20, 16, 100, 20)] },
      ],
      { ...opts, strategy: 'mean' },
    );
    expect(ranked.map((r) => r.tool)).toEqual(['liked', 'disliked']);
    expect(ranked[0].satisfaction).toBeCloseTo(5, 8);
    expect(ranked[0].score - ranked[1].score).toBeLessThan(0.1);
  });

  it('draws Thompson scores repeatably for a seed, inside the posterior', () => {
    const evidence: ToolEvidence[] = ['a', 'b', 'c'].map((tool, i) => ({
      tool,
      fleetRuns: 100,
      fleetSuccesses: 50 + i * 10,
      days: [day(0, 5, 3)],
    }));
    const one = scoreTools(evidence, { ...opts, strategy: 'thompson', seed: 7 });
    expect(scoreTools(evidence, { ...opts, strategy: 'thompson', seed: 7 })).toEqual(one);
    expect(scoreTools(evidence, { ...opts, strategy: 'thompson', seed: 8 }).map((r) => r.score)).not.toEqual(one.map((r) => r.score));
    for (const r of one) expect(r.score).toBeGreaterThan(0);
  });
});

describeEachDb('rankTools', (t) => {
  it('reads the roll-ups: runs of the user, prior of the fleet', async () => {
    const db = t().db;
    const at = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const rows = [
      ...Array.from({ length: 20 }, (_, i) => sql`('other', 'grep', ${i % 10 !== 0}, 10, ${at(5)}::timestamptz)`),
      ...Array.from({ length: 8 }, () => sql`('me', 'grep', false, 10, ${at(1)}::timestamptz)`),
      ...Array.from({ length: 4 }, () => sql`('me', 'curl', true, 10, ${at(1)}::timestamptz)`),
    ];
    await db.execute(sql`INSERT INTO user_tool_history (user_id, tool_name, success, execution_time_ms, created_at)
      VALUES ${sql.join(rows, sql`, `)}`);
    await refreshRollups(db);
    const ranked = await rankTools({ db, userId: 'me', tools: ['grep', 'curl', 'never'], strategy: 'mean' });
    expect(ranked.map((r) => r.tool)).toEqual(['curl', 'never', 'grep']);
    expect(Math.round(ranked[0].runs)).toBe(4);
    expect(ranked.find((r) => r.tool === 'never')).toMatchObject({ runs: 0, mean: 0.5, satisfaction: null });
    expect(await rankTools({ db, userId: 'me', tools: [], strategy: 'mean' })).toEqual([]);
  });
});
