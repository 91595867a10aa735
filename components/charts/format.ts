/** Axis and tooltip formatting shared by the chart files. */
export type Bucket = 'hour' | 'day';

export function bucketLabel(iso: string, bucket: Bucket): string {
  const d = new Date(iso);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  if (bucket === 'day') return `${mm}-${dd}`;
  return `${mm}-${dd} ${String(d.getUTCHours()).padStart(2, '0')}:00`;
}

export const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '—');

export const palette = {
  indigo: '#6366f1',
  emerald: '#10b981',
  red: '#ef4444',
  amber: '#f59e0b',
  slate: '#94a3b8',
  violet: '#8b5cf6',
  sky: '#0ea5e9',
  pink: '#ec4899',
};

export const CHART_HEIGHT = 240;
