import { formatDateTimeSeconds } from '@/lib/format/time';

/** Axis and tooltip formatting shared by the time-series charts: UTC, like every time on the console. */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function formatTick(t: number, spanMinutes: number) {
  const d = new Date(t);
  const hm = d.toISOString().slice(11, 16);
  return spanMinutes > 1440 ? `${WEEKDAYS[d.getUTCDay()]} ${hm}` : hm;
}

export function formatTooltipTime(t: unknown) {
  return typeof t === 'number' ? formatDateTimeSeconds(t) : String(t);
}

export function formatMsValue(v: number | null | undefined) {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '0';
  if (v >= 1000) return `${+(v / 1000).toFixed(2)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  return `${v.toFixed(v >= 1 ? 1 : 2)} ms`;
}

export const axisStyle = { fontSize: 11, fill: '#64748b' } as const;
