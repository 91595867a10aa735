/** Display helpers shared by server and client components. Times: lib/format/time.ts, re-exported here. */
export { formatAge, formatAgo, formatAgoSeconds, formatDateTime, formatDateTimeSeconds, formatDuration, formatTimeOfDay } from '@/lib/format/time';

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function shortId(id: string) {
  return id.slice(0, 8);
}

const counts = new Intl.NumberFormat('en');

/**
 * A whole count with thousands separators, `12,345`. One formatter for the module: `n.toLocaleString('en')` builds a
 * new Intl.NumberFormat on every call, which tables and option lists did once per row.
 */
export function formatCount(n: number): string {
  return counts.format(Math.round(n));
}

/**
 * A long text cut to `max` characters (on a code point, with "…") for a cell that shows a line or two of it, and
 * the whole text for its hover title only when something was cut: a cell no longer carries the text twice.
 */
export function clip(text: string, max: number): { shown: string; title?: string } {
  const chars = Array.from(text);
  if (chars.length <= max) return { shown: text };
  return { shown: `${chars.slice(0, max - 1).join('')}…`, title: text };
}
