/** Axis and tooltip formatting shared by the time-series charts. */
export function formatTick(t: number, spanMinutes: number) {
  const d = new Date(t);
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return spanMinutes > 1440 ? `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${hm}` : hm;
}

export function formatTooltipTime(t: unknown) {
  return typeof t === 'number' ? new Date(t).toLocaleString(undefined, { hour12: false }) : String(t);
}

export function formatMsValue(v: number | null | undefined) {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '0';
  if (v >= 1000) return `${+(v / 1000).toFixed(2)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  return `${v.toFixed(v >= 1 ? 1 : 2)} ms`;
}

export const axisStyle = { fontSize: 11, fill: '#64748b' } as const;
