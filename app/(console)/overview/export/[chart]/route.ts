import { guardedRoute } from '@/lib/auth/guards';
import { charts, isChartId, loadChartTable } from '@/lib/pages/charts';
import { parseTimeRange } from '@/lib/analytics/range';
import { csvHeaders, toCsv } from '@/lib/csv';
import { getReadDb } from '@/lib/db/replica';
import { AppError } from '@/lib/errors';

/** CSV of any Overview or Tools chart: the same rows as its table view (`?range=…`, and `user`/`tool` filters). */
export const GET = guardedRoute<{ chart: string }>({ permission: 'console:read' }, async ({ params, request }) => {
  if (!isChartId(params.chart)) throw new AppError('not_found', `No chart named "${params.chart}"`);
  const url = new URL(request.url);
  const range = parseTimeRange(url.searchParams);
  const table = await loadChartTable(await getReadDb(), params.chart, {
    range,
    userId: url.searchParams.get('user') || undefined,
    tool: url.searchParams.get('tool') || undefined,
  });
  const stamp = `${range.from.toISOString().slice(0, 13)}_${range.to.toISOString().slice(0, 13)}`.replace(/[:T]/g, '-');
  return new Response(toCsv(table.columns, table.rows), {
    headers: { ...csvHeaders(`${params.chart}_${stamp}.csv`), 'x-chart-title': encodeURIComponent(charts[params.chart].title) },
  });
});
