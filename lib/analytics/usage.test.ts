import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { interventionActions, pausedSessions } from '@/lib/db/schema';
import { addInterventionNote, resumeSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makePausedSession, makeSession } from '@/lib/test/factories';
import { recordUsage } from '@/lib/usage/record';
import { loadChartTable } from '@/lib/pages/charts';
import { parseTimeRange } from './range';
import { bucketOf, emptyHistogram, histogramQuantile } from './histogram';
import { rawAggregations, refreshRollups } from './rollups';

/** Overview's usage charts (from the usage roll-ups) and the time to first human action. */
describeEachDb('usage on Overview', (t) => {
  it('cost and tokens per project and day come from the roll-ups, equal the raw rows, and the CSV table sums them', async () => {
    const a = await makeSession(t().db, { project: `alpha-${randomUUID().slice(0, 4)}` });
    const b = await makeSession(t().db, { project: `beta-${randomUUID().slice(0, 4)}` });
    const r = (s: typeof a, i: number, o: number, cost: number) => ({ usageId: randomUUID(), sessionId: s.id, project: s.project, inputTokens: i, outputTokens: o, cost, source: 'api' });
    await recordUsage(t().db, { records: [r(a, 100, 50, 0.5), r(a, 10, 5, 0.25), r(b, 1000, 0, 0.1)] });
    await t().db.execute(sql`UPDATE usage_records SET created_at = now() - interval '2 days' WHERE project = ${b.project}`);
    const refreshed = await refreshRollups(t().db);
    expect(refreshed.ok && refreshed.hours.usage).toBeGreaterThan(0);
    expect((await rawAggregations.usageHours(t().db)).length).toBeGreaterThan(0);

    const range = parseTimeRange({ range: '7d' });
    const cost = await loadChartTable(t().db, 'usage-cost', { range });
    expect(cost.columns).toEqual(['bucket', a.project, b.project, 'total']);
    const sum = (col: number) => cost.rows.reduce((x, row) => x + Number(row[col]), 0);
    expect([sum(1), sum(2), sum(3)]).toEqual([0.75, 0.1, 0.85]);
    const tokens = await loadChartTable(t().db, 'usage-tokens', { range });
    expect(tokens.rows.reduce((x, row) => x + Number(row[3]), 0)).toBe(1165);
    // b's usage is two days back: it lands in that day's bucket, not today's.
    const today = tokens.rows[tokens.rows.length - 1];
    expect([today[1], today[2]]).toEqual([165, 0]);
  });

  it('time to first human action: p50 and p95 over pauses a person acted on, from the roll-up; system and agent rows do not count', async () => {
    const waits = [10, 100];
    for (const w of waits) {
      const { pause } = await makePausedSession(t().db);
      await t().db.update(pausedSessions).set({ pausedAt: sql`now() - make_interval(secs => ${w})` }).where(eq(pausedSessions.id, pause.id));
      await t().db.insert(interventionActions).values({ pausedSessionId: pause.id, sessionId: pause.sessionId, action: 'notified', actor: 'system', actorType: 'system' });
      await addInterventionNote(t().db, { pausedSessionId: pause.id, note: 'looking' }, engineer());
      await resumeSession(t().db, { pausedSessionId: pause.id }, engineer('bob'));
    }
    const { pause: waiting } = await makePausedSession(t().db); // nobody acted yet
    await t().db.insert(interventionActions).values({ pausedSessionId: waiting.id, sessionId: waiting.sessionId, action: 'note', actor: 'agent-1', actorType: 'agent' });
    const range = parseTimeRange({ range: '24h' });
    const load = async () => {
      await refreshRollups(t().db);
      const table = await loadChartTable(t().db, 'first-action', { range });
      expect(table.columns).toEqual(['pauses', 'acted_on', 'p50_s', 'p95_s']);
      return table.rows[0].map(Number);
    };
    // The estimate of a summed log2 histogram: 10 s and 100 s fall in [8, 16) and [64, 128).
    const hist = emptyHistogram();
    for (const w of waits) hist[bucketOf(w)]++;
    const [pauses, acted, p50, p95] = await load();
    expect([pauses, acted]).toEqual([3, 2]);
    expect(p50).toBeCloseTo(histogramQuantile(hist, 0.5)!, 3);
    expect(p95).toBeCloseTo(histogramQuantile(hist, 0.95)!, 3);
    expect(p50).toBeGreaterThanOrEqual(8);
    expect(p50).toBeLessThanOrEqual(16);
    expect(p95).toBeGreaterThanOrEqual(64);
    expect(p95).toBeLessThan(128);

    // A person acting later, on a pause whose hour was already rolled up, counts after the next refresh (the
    // intervention_actions trigger marks the pause's hour).
    await t().db.update(pausedSessions).set({ pausedAt: sql`now() - interval '1000 seconds'` }).where(eq(pausedSessions.id, waiting.id));
    expect((await load()).slice(0, 2)).toEqual([3, 2]);
    await addInterventionNote(t().db, { pausedSessionId: waiting.id, note: 'on it' }, engineer());
    const after = await load();
    expect(after.slice(0, 2)).toEqual([3, 3]);
    hist[bucketOf(1000)]++;
    expect(after[3]).toBeCloseTo(histogramQuantile(hist, 0.95)!, 3);
    expect(after[3]).toBeGreaterThanOrEqual(512);
  });
});
