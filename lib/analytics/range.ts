/**
 * The time range shared by the Overview, Tools and Recoveries pages, carried in the URL (`?range=24h|7d|30d|90d` or
 * `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD`, `to` inclusive). Boundaries are whole UTC hours so every
 * query reads whole roll-up rows; the previous period is the same length just before.
 */
export const rangePresets = ['24h', '7d', '30d', '90d'] as const;
export type RangeKey = (typeof rangePresets)[number] | 'custom';

export type TimeRange = {
  key: RangeKey;
  from: Date;
  to: Date;
  prevFrom: Date;
  /** Chart bucket: hours for ranges up to two days, else UTC days. */
  bucket: 'hour' | 'day';
  label: string;
  /** The query string that reproduces this range (for links and CSV downloads). */
  query: string;
  /** Set when the URL asked for a range that could not be used, saying what is shown instead. */
  notice?: string;
  /** True when the range ends now (a preset, or a custom range whose last day is today). */
  endsNow: boolean;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_DAYS = 366;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function param(p: Params, name: string): string | undefined {
  const v = p instanceof URLSearchParams ? (p.get(name) ?? undefined) : p[name];
  return Array.isArray(v) ? v[0] : v;
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** `fallback` is the range a page shows when the URL names none (or one it cannot use). */
export function parseTimeRange(p: Params, now = new Date(), fallback: Exclude<RangeKey, 'custom'> = '7d'): TimeRange {
  const key = param(p, 'range');
  const endHour = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  let notice: string | undefined;
  if (key === 'custom') {
    const fromS = param(p, 'from');
    const toS = param(p, 'to');
    const from = fromS && isoDay.test(fromS) ? Date.parse(`${fromS}T00:00:00Z`) : NaN;
    const toDay = toS && isoDay.test(toS) ? Date.parse(`${toS}T00:00:00Z`) : NaN;
    const to = Math.min(toDay + DAY, endHour);
    if (!Number.isFinite(from) || !Number.isFinite(toDay)) {
      notice = `The custom range needs two dates (YYYY-MM-DD); got from “${fromS ?? ''}” and to “${toS ?? ''}”.`;
    } else if (from > toDay) {
      notice = `The custom range starts (${fromS}) after it ends (${toS}).`;
    } else if (from >= endHour) {
      notice = `The custom range starts (${fromS}) in the future.`;
    } else if (to - from > MAX_DAYS * DAY) {
      notice = `The custom range is longer than ${MAX_DAYS} days.`;
    } else {
      return build('custom', from, to, `${fromS} – ${toS}`, `range=custom&from=${fromS}&to=${toS}`, to >= endHour);
    }
  }
  const preset = (rangePresets as readonly string[]).includes(key ?? '') ? (key as Exclude<RangeKey, 'custom'>) : fallback;
  const days = preset === '24h' ? 1 : Number(preset.slice(0, -1));
  const label = preset === '24h' ? 'Last 24 hours' : `Last ${days} days`;
  if (key && key !== 'custom' && key !== preset) notice = `Unknown range “${key}” (use ${rangePresets.join(', ')} or custom).`;
  const shown = build(preset, endHour - days * DAY, endHour, label, `range=${preset}`, true);
  return notice ? { ...shown, notice: `${notice} Showing the ${label.toLowerCase()} instead.` } : shown;
}

function build(key: RangeKey, from: number, to: number, label: string, query: string, endsNow: boolean): TimeRange {
  return {
    endsNow,
    key,
    from: new Date(from),
    to: new Date(to),
    prevFrom: new Date(from - (to - from)),
    bucket: to - from <= 2 * DAY ? 'hour' : 'day',
    label,
    query,
  };
}

/** Every bucket start in [from, to), so charts show empty hours/days as zero instead of skipping them. */
export function bucketStarts(range: Pick<TimeRange, 'from' | 'to'>, bucket: 'hour' | 'day'): string[] {
  const step = bucket === 'hour' ? HOUR : DAY;
  const first = Math.floor(range.from.getTime() / step) * step;
  const out: string[] = [];
  for (let t = first; t < range.to.getTime(); t += step) out.push(new Date(t).toISOString());
  return out;
}
