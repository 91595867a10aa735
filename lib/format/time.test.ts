import { describe, expect, it } from 'vitest';
import { formatAgo, formatAgoSeconds, formatDateTime, formatDateTimeSeconds, formatDuration, formatTimeOfDay } from './time';

const now = Date.parse('2026-12-04T16:45:30Z');

describe('one time formatter', () => {
  it('says how long ago in the same words whether it starts from a moment or from seconds', () => {
    expect(formatAgo('2026-12-04T16:44:56Z', now)).toBe('34s ago');
    expect(formatAgoSeconds(34)).toBe('34s ago');
    expect(formatAgo(new Date(now - 125_000), now)).toBe('2m ago');
    expect(formatAgoSeconds(125)).toBe('2m ago');
    expect(formatAgoSeconds(3 * 3600 + 4 * 60)).toBe('3h 4m ago');
    expect(formatAgoSeconds(49 * 3600)).toBe('2d 1h ago');
    expect(formatAgoSeconds(null)).toBe('—');
  });

  it('writes moments in UTC, never as raw ISO', () => {
    expect(formatDateTime('2026-12-04T16:45:12.345Z')).toBe('2026-12-04 16:45 UTC');
    expect(formatDateTimeSeconds('2026-12-04T16:45:12.345Z')).toBe('2026-12-04 16:45:12 UTC');
    expect(formatTimeOfDay(Date.parse('2026-12-04T16:45:12Z'))).toBe('16:45:12 UTC');
    expect(formatDateTimeSeconds('not a date')).toBe('—');
  });

  it('writes lengths of time', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(34)).toBe('34.0 s');
    expect(formatDuration(3 * 3600 + 240)).toBe('3h 4m');
  });
});

describe('chart axes', () => {
  it('label times in UTC whatever the browser zone, like the rest of the console', async () => {
    const { formatTick, formatTooltipTime } = await import('@/components/charts/chart-axis');
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const t = Date.parse('2026-12-04T16:45:00Z');
      expect(formatTick(t, 60)).toBe('16:45');
      expect(formatTick(t, 7 * 1440)).toBe('Fri 16:45');
      expect(formatTooltipTime(t)).toBe('2026-12-04 16:45:00 UTC');
    } finally {
      process.env.TZ = tz;
    }
  });
});
