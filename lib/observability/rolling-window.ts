/** Rolling windows of the last WINDOW_SIZE samples in fixed arrays: recording is a few array writes. */
export const WINDOW_SIZE = 1000;

export class RollingWindow {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;
  constructor(readonly size = WINDOW_SIZE) {
    this.values = new Float64Array(size);
  }
  push(v: number) {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
  get count() {
    return this.filled;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.filled).sort();
  }
  summary(): WindowSummary {
    const s = this.sorted();
    if (s.length === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
    let sum = 0;
    for (const v of s) sum += v;
    return {
      count: s.length,
      mean: sum / s.length,
      p50: percentileOf(s, 0.5),
      p95: percentileOf(s, 0.95),
      p99: percentileOf(s, 0.99),
      max: s[s.length - 1],
    };
  }
}

export type WindowSummary = {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
};

/** Nearest-rank percentile of an ascending array. */
export function percentileOf(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}
