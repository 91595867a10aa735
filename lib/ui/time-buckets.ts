/**
 * Turns sparse per-minute rows (only minutes that had activity are stored) into an evenly spaced series over a
 * time window, so a chart's x-axis is real time and a quiet stretch shows as a gap or a zero, not as two
 * neighbouring points. Long windows are merged into wider buckets to keep a chart to ~100 points.
 */
export type TimeRange = { key: '1h' | '6h' | '24h' | '7d'; label: string; minutes: number; bucketMinutes: number };

export const timeRanges: readonly TimeRange[] = [
  { key: '1h', label: '1 h', minutes: 60, bucketMinutes: 1 },
  { key: '6h', label: '6 h', minutes: 360, bucketMinutes: 5 },
  { key: '24h', label: '24 h', minutes: 1440, bucketMinutes: 15 },
  { key: '7d', label: '7 d', minutes: 7 * 1440, bucketMinutes: 120 },
];

/** The range named in the URL, or the first (1 h) for anything else. */
export function parseTimeRange(value: string | string[] | undefined): TimeRange {
  const v = Array.isArray(value) ? value[0] : value;
  return timeRanges.find((r) => r.key === v) ?? timeRanges[0];
}

export type Reducer<T> = (rows: T[]) => number | null;

export const sumOf =
  <T>(pick: (r: T) => number | null | undefined): Reducer<T> =>
  (rows) => rows.reduce((a, r) => a + (pick(r) ?? 0), 0);

/** Worst value in the bucket (percentiles cannot be averaged; the worst minute is the honest summary). */
export const maxOf =
  <T>(pick: (r: T) => number | null | undefined): Reducer<T> =>
  (rows) => {
    let m: number | null = null;
    for (const r of rows) {
      const v = pick(r);
      if (v !== null && v !== undefined && (m === null || v > m)) m = v;
    }
    return m;
  };

export type BucketPoint<K extends string> = { t: number } & Record<K, number | null>;

/**
 * One point per bucket from `now - minutes` to `now`; `t` is the bucket's start (ms since epoch). Rows outside
 * the window are ignored. Each reducer sees the rows of its bucket (possibly none).
 */
export function bucketSeries<T extends { minute: string }, K extends string>(
  rows: readonly T[],
  options: { minutes: number; bucketMinutes: number; now?: number; fields: Record<K, Reducer<T>> },
): BucketPoint<K>[] {
  const size = options.bucketMinutes * 60_000;
  const end = Math.floor((options.now ?? Date.now()) / size) * size;
  const start = end - Math.ceil(options.minutes / options.bucketMinutes - 1) * size;
  const groups = new Map<number, T[]>();
  for (const r of rows) {
    const at = Date.parse(r.minute);
    if (Number.isNaN(at)) continue;
    const b = Math.floor(at / size) * size;
    if (b < start || b > end) continue;
    const g = groups.get(b);
    if (g) g.push(r);
    else groups.set(b, [r]);
  }
  const keys = Object.keys(options.fields) as K[];
  const out: BucketPoint<K>[] = [];
  for (let t = start; t <= end; t += size) {
    const g = groups.get(t) ?? [];
    const point = { t } as BucketPoint<K>;
    for (const k of keys) (point as Record<string, number | null>)[k] = options.fields[k](g);
    out.push(point);
  }
  return out;
}
