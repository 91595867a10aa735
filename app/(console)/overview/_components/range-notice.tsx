import type { TimeRange } from '@/lib/analytics/range';

/** Says so when the URL's range could not be used (from after to, a bad date), instead of silently showing another. */
export function RangeNotice({ range }: { range: TimeRange }) {
  if (!range.notice) return null;
  return (
    <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {range.notice}
    </p>
  );
}

/** The picker's date fields: the range's first and last (inclusive) UTC day. */
export function pickerDays(range: TimeRange) {
  return { current: range.key, from: range.from.toISOString().slice(0, 10), to: new Date(range.to.getTime() - 1).toISOString().slice(0, 10) };
}
