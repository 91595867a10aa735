import { clsx } from 'clsx';
import Link from 'next/link';
import { timeRanges, type TimeRange } from '@/lib/ui/time-buckets';

/** The window for charts and roll-up totals, kept in the URL (?range=6h) so a view can be shared. */
export function RangeSelector({ current }: { current: TimeRange }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm">
      {timeRanges.map((r) => (
        <Link
          key={r.key}
          href={r.key === '1h' ? '/database' : `/database?range=${r.key}`}
          aria-current={r.key === current.key ? 'page' : undefined}
          scroll={false}
          className={clsx(
            'rounded px-2.5 py-1 font-medium',
            r.key === current.key ? 'bg-indigo-600 text-white' : 'text-slate-600 hover:bg-slate-100',
          )}
        >
          {r.label}
        </Link>
      ))}
    </nav>
  );
}
