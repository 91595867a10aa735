import { describe, expect, it } from 'vitest';
import { judgeDeliveries, judgeIds, judgePasses, pct, type PassRun } from './reconcile-rules';

describe('reconcile rules of a fleet run', () => {
  it('an accepted id missing from the database is lost; one stored twice is duplicated', () => {
    const r = judgeIds('events', ['a', 'b', 'c', 'c'], new Map([['a', 1], ['c', 2]]));
    expect(r).toMatchObject({ lost: 1, duplicated: 1 });
    expect(r.details).toEqual(['lost events: b', 'duplicated events: c ×2']);
    expect(judgeIds('events', ['a'], new Map([['a', 1]]))).toMatchObject({ lost: 0, duplicated: 0 });
  });

  const t = Date.UTC(2026, 11, 7, 12, 0, 0);
  const run = (slotS: number, instance: string, startS: number, endS: number | null, error: string | null = null): PassRun => ({
    job: 'refresh-rollups',
    slot: t + slotS * 1000,
    instance,
    startedAt: t + startS * 1000,
    finishedAt: endS === null ? null : t + endS * 1000,
    error,
  });

  it('a pass run once per interval by whichever instance claimed it passes', () => {
    const v = judgePasses('refresh-rollups', 5000, [run(0, 'a', 0.1, 0.3), run(5, 'b', 5.2, 5.4), run(10, 'a', 10.1, 10.2)], { from: t, to: t + 15_000 });
    expect(v).toMatchObject({ runs: 3, doubleRuns: 0, overlaps: 0, missed: 0, failed: 0, unfinished: 0, byInstance: { a: 2, b: 1 } });
  });

  it('an interval run twice, two runs at once, an interval nobody ran and a failure are each counted', () => {
    const runs = [run(0, 'a', 0.1, 2), run(0, 'b', 1, 1.5), run(10, 'c', 10.1, null), run(15, 'a', 15.1, 15.2, 'timeout')];
    const v = judgePasses('refresh-rollups', 5000, runs, { from: t, to: t + 20_000 });
    expect(v).toMatchObject({ runs: 4, doubleRuns: 1, overlaps: 1, missed: 1, failed: 1, unfinished: 1 });
    expect(v.details).toContain('refresh-rollups: no run in the interval 2026-12-07T12:00:05.000Z');
    // Intervals only partly inside the window (start-up, shut-down) are not owed a run.
    expect(judgePasses('refresh-rollups', 5000, [run(5, 'a', 5.1, 5.2)], { from: t + 4000, to: t + 11_000 }).missed).toBe(0);
  });

  it('an outbox delivery is sent once when it is delivered and received exactly once', () => {
    const rows = [
      { id: 1, status: 'delivered' },
      { id: 2, status: 'delivered' },
      { id: 3, status: 'pending' },
      { id: 4, status: 'delivered' },
    ];
    const v = judgeDeliveries(rows, new Map([['1', 1], ['2', 2], ['3', 1], ['9', 1]]));
    expect(v).toMatchObject({ rows: 4, once: 1, duplicated: 1, lost: 2, unknown: 1 });
  });

  it('percentiles by nearest rank', () => {
    expect(pct([], 95)).toBe(0);
    expect(pct([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(pct([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 50)).toBe(6);
  });
});
