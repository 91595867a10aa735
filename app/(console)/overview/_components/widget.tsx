import type { Cell, TableData } from '@/lib/pages/charts';
import { log } from '@/lib/log';
import type { FormattedTable } from './table-view';

/** Server-side pieces every widget uses: skeleton, in-place error, the table view of a chart's data. */
export function WidgetSkeleton({ title, height = 300 }: { title: string; height?: number }) {
  return (
    <section aria-label={`${title} (loading)`} aria-busy className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-4 h-4 w-40 animate-pulse rounded bg-slate-200" />
      <div className="animate-pulse rounded-md bg-slate-100" style={{ height: height - 60 }} />
    </section>
  );
}

export function WidgetError({ title }: { title: string }) {
  return (
    <section aria-label={title} className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert">
      <h2 className="font-semibold">{title}</h2>
      <p className="mt-1">This widget could not be loaded. The rest of the page is unaffected; reload to try again.</p>
    </section>
  );
}

/** Runs a widget's loader; a failure is logged and turned into a value the card renders as WidgetError. */
export async function safeLoad<T>(name: string, load: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await load() };
  } catch (err) {
    log().error({ err, widget: name }, `widget ${name} failed`);
    return { ok: false };
  }
}

const isoHour = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;

function formatCell(column: string, v: Cell): string {
  if (v === null) return '—';
  if (typeof v === 'string') return isoHour.test(v) ? `${v.slice(0, 10)} ${v.slice(11, 16)}` : v;
  if (/rate|mean|lower|upper|score/.test(column) && v <= 1 && v >= 0 && column !== 'satisfaction') return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? v.toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: 2 });
}

/** A chart's table with every cell formatted, for ChartPanel's table view (./table-view.tsx renders it). */
export function formatTable(data: TableData, caption: string): FormattedTable {
  return { caption, columns: data.columns, rows: data.rows.map((r) => r.map((v, j) => formatCell(data.columns[j], v))) };
}
