import { describe, expect, it } from 'vitest';
import { bucketSeries, maxOf, parseTimeRange, sumOf } from './time-buckets';

type Row = { minute: string; queries: number; p95: number | null };
const now = Date.parse('2030-01-01T12:00:30Z');

describe('bucketSeries', () => {
  it('gives one point per minute over the hour, with gaps where nothing was stored', () => {
    const rows: Row[] = [
      { minute: '2030-01-01T11:58:00Z', queries: 10, p95: 4 },
      { minute: '2030-01-01T12:00:00Z', queries: 5, p95: 2 },
    ];
    const s = bucketSeries(rows, {
      minutes: 60,
      bucketMinutes: 1,
      now,
      fields: { queries: sumOf((r) => r.queries), p95: maxOf((r) => r.p95) },
    });
    expect(s).toHaveLength(60);
    expect(s.at(-1)).toEqual({ t: Date.parse('2030-01-01T12:00:00Z'), queries: 5, p95: 2 });
    expect(s.at(-2)).toEqual({ t: Date.parse('2030-01-01T11:59:00Z'), queries: 0, p95: null });
    expect(s.at(-3)).toMatchObject({ queries: 10, p95: 4 });
    expect(s[0].t).toBe(Date.parse('2030-01-01T11:01:00Z'));
  });

  it('merges minutes into wider buckets: counts add up, percentiles keep the worst', () => {
    const rows: Row[] = [
      { minute: '2030-01-01T11:00:00Z', queries: 1, p95: 9 },
      { minute: '2030-01-01T11:59:00Z', queries: 2, p95: 3 },
      { minute: '2030-01-01T12:00:00Z', queries: 4, p95: null },
      { minute: '2029-12-24T12:00:00Z', queries: 100, p95: 100 },
    ];
    const s = bucketSeries(rows, {
      minutes: 24 * 60,
      bucketMinutes: 120,
      now,
      fields: { queries: sumOf((r) => r.queries), p95: maxOf((r) => r.p95) },
    });
    expect(s).toHaveLength(12);
    expect(s.at(-1)).toMatchObject({ t: Date.parse('2030-01-01T12:00:00Z'), queries: 4, p95: null });
    expect(s.at(-2)).toMatchObject({ t: Date.parse('2030-01-01T10:00:00Z'), queries: 3, p95: 9 });
    expect(s.reduce((a, p) => a + (p.queries ?? 0), 0)).toBe(7);
  });
});

describe('parseTimeRange', () => {
  it('reads the range from the URL and falls back to one hour', () => {
    expect(parseTimeRange('7d').minutes).toBe(7 * 1440);
    expect(parseTimeRange(['6h', '1h']).key).toBe('6h');
    expect(parseTimeRange('2y').key).toBe('1h');
    expect(parseTimeRange(undefined).key).toBe('1h');
  });
});
