/**
 * The console's one time formatter. Every page shows times the same way:
 * - a moment: `2026-12-04 16:45:12 UTC` (absolute, UTC, so server and browser render the same text), or the
 *   same moment relative to now: `34s ago`, `2m ago`, `3h 4m ago`, `2d 1h ago`;
 * - a length of time: `850 ms`, `34.0 s`, `2m`, `3h 4m`, `2d 1h`.
 * CSV files are not formatted here: they carry ISO 8601 UTC.
 */
type Moment = Date | string | number;

const toMs = (d: Moment) => (d instanceof Date ? d.getTime() : typeof d === 'number' ? d : Date.parse(d));

/** Whole seconds at the precision a glance needs: `34s`, `2m`, `3h 4m`, `2d 1h`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long ago a moment was, without the word "ago" (for columns headed "Age"). */
export function formatAge(from: Moment, now: number = Date.now()): string {
  return formatElapsed((now - toMs(from)) / 1000);
}

/** A moment relative to now: `34s ago`, `2m ago`. `now` is a parameter so a server render and a hydration agree. */
export function formatAgo(from: Moment | null | undefined, now: number = Date.now()): string {
  if (from === null || from === undefined) return '—';
  return `${formatAge(from, now)} ago`;
}

/** An age already measured in seconds (a heartbeat age from the database): `34s ago`. */
export function formatAgoSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  return `${formatElapsed(seconds)} ago`;
}

/** A moment to the minute: `2026-12-04 16:45 UTC`. */
export function formatDateTime(d: Moment | null | undefined): string {
  if (d === null || d === undefined) return '—';
  const ms = toMs(d);
  if (Number.isNaN(ms)) return '—';
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** A moment to the second: `2026-12-04 16:45:12 UTC`. */
export function formatDateTimeSeconds(d: Moment | null | undefined): string {
  if (d === null || d === undefined) return '—';
  const ms = toMs(d);
  if (Number.isNaN(ms)) return '—';
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** A time of day to the second, for moments of today (live panels): `16:45:12 UTC`. */
export function formatTimeOfDay(d: Moment | null | undefined): string {
  if (d === null || d === undefined) return '—';
  const ms = toMs(d);
  if (Number.isNaN(ms)) return '—';
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** A length of time: under a second in ms, under two minutes with a tenth of a second, then as `formatElapsed`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return formatElapsed(seconds);
}
