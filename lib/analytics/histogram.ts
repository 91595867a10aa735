/**
 * Fixed log2-scale histograms: bucket 0 holds [0, 2), bucket i (1..18) holds [2^i, 2^(i+1)), bucket 19 holds
 * [2^19, ∞). The SQL function fd_log2_bucket (drizzle/0001) uses the same bounds. Milliseconds for tool
 * latency (2^19 ms ≈ 8.7 min), seconds for time to resume (2^19 s ≈ 6 days). Histograms add, so percentiles
 * over any time range come from summed roll-up rows; the estimate lies inside the bucket of the true value.
 */
export const BUCKETS = 20;

export function bucketOf(x: number): number {
  if (!(x >= 2)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(x)));
}

export function bucketBounds(i: number): [number, number] {
  if (i === 0) return [0, 2];
  return [2 ** i, i === BUCKETS - 1 ? Infinity : 2 ** (i + 1)];
}

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

export function addHistograms(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < BUCKETS; i++) a[i] = (a[i] ?? 0) + Number(b[i] ?? 0);
  return a;
}

/**
 * The q-quantile, interpolated inside its bucket (geometrically: durations are roughly log-normal).
 * Null for an empty histogram. The open last bucket reports its lower bound.
 */
export function histogramQuantile(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + Number(b), 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const n = Number(hist[i] ?? 0);
    if (n === 0) continue;
    if (seen + n >= rank) {
      const [lo, hi] = bucketBounds(i);
      if (hi === Infinity) return lo;
      const f = Math.min(1, Math.max(0, (rank - seen) / n));
      return i === 0 ? lo + f * (hi - lo) : lo * (hi / lo) ** f;
    }
    seen += n;
  }
  return bucketBounds(BUCKETS - 1)[0];
}

/** An int[] column as numbers, whether the driver parsed it or returned the '{1,2,3}' text form. */
export function toNumberArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string') {
    const inner = v.replace(/^\{|\}$/g, '');
    return inner ? inner.split(',').map(Number) : [];
  }
  return [];
}
