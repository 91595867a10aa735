/**
 * The time range shared by the Overview and Tools pages, carried in the URL (`?range=24h|7d|30d` or
 * `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD`, `to` inclusive). Boundaries are whole UTC hours so every
 * query reads whole roll-up rows; the previous period is the same length just before.
 */
export const rangePresets = ['24h', '7d', '30d'] as const;
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

export function parseTimeRange(p: Params, now = new Date()): TimeRange {
  const key = param(p, 'range');
  const endHour = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  if (key === 'custom') {
    const fromS = param(p, 'from');
    const toS = param(p, 'to');
    if (fromS && toS && isoDay.test(fromS) && isoDay.test(toS)) {
      const from = Date.parse(`${fromS}T00:00:00Z`);
      const to = Math.min(Date.parse(`${toS}T00:00:00Z`) + DAY, endHour);
      if (Number.isFinite(from) && Number.isFinite(to) && to > from && to - from <= MAX_DAYS * DAY) {
        return build('custom', from, to, `${fromS} – ${toS}`, `range=custom&from=${fromS}&to=${toS}`);
      }
    }
  }
  const preset = (rangePresets as readonly string[]).includes(key ?? '') ? (key as RangeKey) : '7d';
  const len = preset === '24h' ? DAY : preset === '7d' ? 7 * DAY : 30 * DAY;
  const label = preset === '24h' ? 'Last 24 hours' : preset === '7d' ? 'Last 7 days' : 'Last 30 days';
  return build(preset, endHour - len, endHour, label, `range=${preset}`);
}

function build(key: RangeKey, from: number, to: number, label: string, query: string): TimeRange {
  return {
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
