import { formatCount as formatWholeCount } from '@/lib/ui/format';

/** Number formatting for the Database page. */
export function formatMs(v: number | null | undefined) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '0 ms';
  if (v >= 60_000) return `${+(v / 60_000).toFixed(1)} min`;
  // +x.toFixed drops trailing zeros: "30 s", not "30.00 s".
  if (v >= 1000) return `${+(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  return `${v.toFixed(v >= 1 ? 1 : 2)} ms`;
}

export function formatCount(n: number | null | undefined) {
  if (n === null || n === undefined) return '—';
  return formatWholeCount(n);
}

export function formatSeconds(s: number) {
  return formatMs(s * 1000);
}
