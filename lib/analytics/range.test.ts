import { describe, expect, it } from 'vitest';
import { bucketOf, histogramQuantile } from './histogram';
import { bucketStarts, parseTimeRange } from './range';

const now = new Date('2026-05-10T13:25:00Z');

describe('time range', () => {
  it('reads presets from the URL, ending at the end of the current hour', () => {
    const r = parseTimeRange({ range: '24h' }, now);
    expect(r.to.toISOString()).toBe('2026-05-10T14:00:00.000Z');
    expect(r.from.toISOString()).toBe('2026-05-09T14:00:00.000Z');
    expect(r.prevFrom.toISOString()).toBe('2026-05-08T14:00:00.000Z');
    expect(r.bucket).toBe('hour');
    expect(bucketStarts(r, r.bucket)).toHaveLength(24);
    expect(parseTimeRange({ range: '30d' }, now).bucket).toBe('day');
  });

  it('accepts a custom range of whole days (to inclusive) and falls back to 7 days on nonsense', () => {
    const r = parseTimeRange(new URLSearchParams('range=custom&from=2026-05-01&to=2026-05-03'), now);
    expect([r.key, r.from.toISOString(), r.to.toISOString()]).toEqual(['custom', '2026-05-01T00:00:00.000Z', '2026-05-04T00:00:00.000Z']);
    expect(r.query).toBe('range=custom&from=2026-05-01&to=2026-05-03');
    expect(parseTimeRange({ range: 'custom', from: '2026-05-03', to: '2026-05-01' }, now).key).toBe('7d');
    expect(parseTimeRange({ range: 'custom', from: 'x', to: 'y' }, now).key).toBe('7d');
    expect(parseTimeRange({ range: 'forever' }, now).key).toBe('7d');
  });

  it('says why it shows 7 days when the custom range could not be used, and is silent when it could', () => {
    const inverted = parseTimeRange({ range: 'custom', from: '2026-05-03', to: '2026-05-01' }, now);
    expect(inverted.notice).toBe('The custom range starts (2026-05-03) after it ends (2026-05-01). Showing the last 7 days instead.');
    expect(parseTimeRange({ range: 'custom', from: 'x', to: '2026-05-01' }, now).notice).toMatch(/needs two dates/);
    expect(parseTimeRange({ range: 'custom', from: '2026-06-01', to: '2026-06-02' }, now).notice).toMatch(/in the future/);
    expect(parseTimeRange({ range: 'forever' }, now).notice).toMatch(/Unknown range “forever”/);
    expect(parseTimeRange({ range: 'custom', from: '2026-05-01', to: '2026-05-03' }, now).notice).toBeUndefined();
    expect(parseTimeRange({}, now).notice).toBeUndefined();
  });

  it('knows whether the range ends now, so point-in-time figures can be labelled "now" or "at the end"', () => {
    expect(parseTimeRange({ range: '24h' }, now).endsNow).toBe(true);
    expect(parseTimeRange({ range: 'custom', from: '2026-05-01', to: '2026-05-10' }, now).endsNow).toBe(true);
    expect(parseTimeRange({ range: 'custom', from: '2026-05-01', to: '2026-05-03' }, now).endsNow).toBe(false);
  });
});

describe('histogram percentiles', () => {
  it('estimates inside the bucket of the true value', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 5 + i * 3);
    const hist = new Array(20).fill(0);
    for (const v of values) hist[bucketOf(v)]++;
    for (const q of [0.5, 0.95]) {
      const truth = values[Math.ceil(q * values.length) - 1];
      expect(bucketOf(histogramQuantile(hist, q)!)).toBe(bucketOf(truth));
    }
    expect(histogramQuantile(new Array(20).fill(0), 0.5)).toBeNull();
  });
});
