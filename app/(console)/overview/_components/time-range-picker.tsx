'use client';

import { clsx } from 'clsx';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

const labels: Record<string, string> = { '24h': '24 h', '7d': '7 d', '30d': '30 d', '90d': '90 d' };

/** Shared by Overview, Tools and Recoveries: the range lives in the URL, so links and reloads keep it. */
export function TimeRangePicker({
  current,
  from,
  to,
  presets = ['24h', '7d', '30d'],
}: {
  current: string;
  from: string;
  to: string;
  presets?: readonly string[];
}) {
  const pathname = usePathname();
  const params = useSearchParams();
  const router = useRouter();
  const [custom, setCustom] = useState({ from, to });
  const href = (extra: Record<string, string>) => {
    const next = new URLSearchParams(params.toString());
    for (const k of ['range', 'from', 'to', 'cursor', 'after']) next.delete(k);
    for (const [k, v] of Object.entries(extra)) next.set(k, v);
    return `${pathname}?${next.toString()}`;
  };
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Time range">
      <div className="flex overflow-hidden rounded-md border border-slate-300 bg-white">
        {presets.map((p) => (
          <Link
            key={p}
            href={href({ range: p })}
            aria-current={current === p ? 'true' : undefined}
            className={clsx(
              'px-3 py-1.5 text-sm font-medium',
              current === p ? 'bg-indigo-600 text-white' : 'text-slate-600 hover:bg-slate-50',
            )}
          >
            {labels[p] ?? p}
          </Link>
        ))}
      </div>
      <form
        className="flex items-center gap-1 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (custom.from && custom.to) router.push(href({ range: 'custom', from: custom.from, to: custom.to }));
        }}
      >
        <label className="sr-only" htmlFor="range-from">From</label>
        <input
          id="range-from"
          type="date"
          value={custom.from}
          onChange={(e) => setCustom({ ...custom, from: e.target.value })}
          className={clsx('rounded-md border px-2 py-1', current === 'custom' ? 'border-indigo-400' : 'border-slate-300')}
        />
        <span className="text-slate-400">–</span>
        <label className="sr-only" htmlFor="range-to">To</label>
        <input
          id="range-to"
          type="date"
          value={custom.to}
          onChange={(e) => setCustom({ ...custom, to: e.target.value })}
          className={clsx('rounded-md border px-2 py-1', current === 'custom' ? 'border-indigo-400' : 'border-slate-300')}
        />
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-2.5 py-1 font-medium text-slate-600 hover:bg-slate-50">
          Apply
        </button>
      </form>
    </div>
  );
}
