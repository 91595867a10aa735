'use client';

import { clsx } from 'clsx';
import { useState } from 'react';
import { TableView, type FormattedTable } from './table-view';

/** A chart card: chart or table view (same data), and a CSV download of that table. */
export function ChartPanel({
  title,
  description,
  csvHref,
  chart,
  table,
  className,
}: {
  title: string;
  description?: string;
  csvHref: string;
  chart: React.ReactNode;
  /** The same data as formatted rows; rendered only when the table view is chosen. */
  table: FormattedTable;
  className?: string;
}) {
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const tab = (v: 'chart' | 'table', label: string) => (
    <button
      type="button"
      aria-pressed={view === v}
      onClick={() => setView(v)}
      className={clsx(
        'px-2 py-0.5 text-xs font-medium first:rounded-l-md last:rounded-r-md',
        view === v ? 'bg-slate-800 text-white' : 'bg-white text-slate-600 hover:bg-slate-50',
      )}
    >
      {label}
    </button>
  );
  return (
    <section aria-label={title} className={clsx('rounded-xl border border-slate-200 bg-white shadow-sm', className)}>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
          {description && <p className="text-xs text-slate-500">{description}</p>}
        </div>
        <div className="flex items-center gap-2">
          <div role="group" aria-label={`${title} view`} className="flex overflow-hidden rounded-md border border-slate-300">
            {tab('chart', 'Chart')}
            {tab('table', 'Table')}
          </div>
          <a
            href={csvHref}
            download
            aria-label={`Download ${title} as CSV`}
            className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-50"
          >
            CSV
          </a>
        </div>
      </header>
      <div className="p-4" data-view={view}>
        {view === 'chart' ? chart : (
          <div className="max-h-72 overflow-y-auto">
            <TableView table={table} />
          </div>
        )}
      </div>
    </section>
  );
}
