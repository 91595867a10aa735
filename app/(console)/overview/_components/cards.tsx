import { clsx } from 'clsx';
import { charts } from '@/lib/pages/charts';
import { getOverviewKpis, pauseTypeOrder, type Kpi } from '@/lib/analytics/queries';
import type { TimeRange } from '@/lib/analytics/range';
import { getReadDb } from '@/lib/db/replica';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDateTime, formatDuration } from '@/lib/format/time';
import { formatPercent } from '@/lib/ui/format';
import { ChartPanel } from './chart-panel';
import { FailingToolsChart, InterventionsChart, RateBarsChart, RecoveriesChart } from './lazy-charts';
import { formatTable, safeLoad, WidgetError } from './widget';

/** Overview widgets: each loads its own data (in its own Suspense boundary) and renders chart + table + CSV. */
type Props = { range: TimeRange };

const csv = (id: string, range: TimeRange) => `/overview/export/${id}?${range.query}`;

/** Each chart says where its data comes from, so an empty one tells the reader what would fill it. */
function Empty({ what, children }: { what: string; children: React.ReactNode }) {
  return <EmptyState title={`No ${what} in this range`}>{children}</EmptyState>;
}

type Direction = 'up-good' | 'down-good' | 'neutral';

function Delta({ kpi, kind, direction, versus }: { kpi: Kpi; kind: 'count' | 'rate' | 'seconds'; direction: Direction; versus: string }) {
  const { current, previous } = kpi;
  if (current === null || previous === null) return <span className="text-slate-500">no data for the previous period</span>;
  const diff = current - previous;
  const text =
    kind === 'rate'
      ? `${diff >= 0 ? '+' : '−'}${Math.abs(diff * 100).toFixed(1)} pp`
      : previous === 0
        ? `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toLocaleString('en', { maximumFractionDigits: 0 })}`
        : `${diff >= 0 ? '+' : '−'}${Math.abs((diff / previous) * 100).toFixed(0)}%`;
  const good = direction === 'neutral' || diff === 0 ? null : (diff > 0) === (direction === 'up-good');
  return (
    <span className={clsx(good === null ? 'text-slate-500' : good ? 'text-emerald-700' : 'text-red-700')}>
      {diff > 0 ? '▲' : diff < 0 ? '▼' : '■'} {text} vs {versus}
    </span>
  );
}

function KpiTile({
  label,
  value,
  kpi,
  kind,
  direction,
  hint,
  versus = 'previous period',
}: {
  label: string;
  value: string;
  kpi: Kpi;
  kind: 'count' | 'rate' | 'seconds';
  direction: Direction;
  hint?: string;
  /** What the figure is compared with: the previous period, or (a count at a moment) the range's start. */
  versus?: string;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" role="group" aria-label={label}>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      {hint && <div className="text-xs text-slate-500">{hint}</div>}
      <div className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</div>
      <div className="mt-1 text-xs">
        <Delta kpi={kpi} kind={kind} direction={direction} versus={versus} />
      </div>
    </div>
  );
}

export async function KpiRow({ range }: Props) {
  const r = await safeLoad('kpis', async () => getOverviewKpis(await getReadDb(), range));
  if (!r.ok) return <WidgetError title="Key figures" />;
  const k = r.value;
  // Two figures are counts at a moment (the end of the range), the others sum the whole range: say which is which,
  // so a past range does not read "Paused now 0" beside the pauses it had.
  const at = range.endsNow ? 'right now' : `at the range's end, ${formatDateTime(range.to)}`;
  const over = range.endsNow ? range.label.toLowerCase() : range.label;
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
      <KpiTile label="Active sessions" hint={at} value={String(k.activeSessions.current ?? 0)} kpi={k.activeSessions} kind="count" direction="neutral" versus="the range's start" />
      <KpiTile label="Paused" hint={at} value={String(k.pausedNow.current ?? 0)} kpi={k.pausedNow} kind="count" direction="down-good" versus="the range's start" />
      <KpiTile label="Median time to resume" hint={over} value={formatDuration(k.medianTimeToResumeS.current)} kpi={k.medianTimeToResumeS} kind="seconds" direction="down-good" />
      <KpiTile label="Recovery success" hint={over} value={formatPercent(k.recoverySuccessRate.current)} kpi={k.recoverySuccessRate} kind="rate" direction="up-good" />
      <KpiTile label="Retry success" hint={over} value={formatPercent(k.retrySuccessRate.current)} kpi={k.retrySuccessRate} kind="rate" direction="up-good" />
      <KpiTile label="Tool success" hint={over} value={formatPercent(k.toolSuccessRate.current)} kpi={k.toolSuccessRate} kind="rate" direction="up-good" />
    </div>
  );
}

export async function InterventionsCard({ range }: Props) {
  const c = charts.interventions;
  const r = await safeLoad('interventions', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const total = r.value.reduce((a, p) => a + pauseTypeOrder.reduce((s, t) => s + p[t], 0), 0);
  return (
    <ChartPanel
      title={c.title}
      description={`${total.toLocaleString('en')} pauses started, per ${range.bucket}`}
      csvHref={csv('interventions', range)}
      chart={total ? <InterventionsChart data={r.value} types={pauseTypeOrder} bucket={range.bucket} /> : (
          <Empty what="interventions">Agents report a pause when they stop for help (a blocker, an error, a retry limit); none started in this range.</Empty>
        )}
      table={formatTable(c.table(r.value), c.title)}
    />
  );
}

export async function RecoveriesCard({ range }: Props) {
  const c = charts.recoveries;
  const r = await safeLoad('recoveries', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const total = r.value.reduce((a, p) => a + p.succeeded + p.failed + p.abandoned + p.in_progress, 0);
  return (
    <ChartPanel
      title={c.title}
      description={`${total.toLocaleString('en')} recoveries started, per ${range.bucket}; line: success rate of finished ones`}
      csvHref={csv('recoveries', range)}
      chart={total ? <RecoveriesChart data={r.value} bucket={range.bucket} /> : (
          <Empty what="recoveries">A recovery starts when someone restores a session from a checkpoint; none started in this range.</Empty>
        )}
      table={formatTable(c.table(r.value), c.title)}
    />
  );
}

export async function RetriesCard({ range }: Props) {
  const c = charts.retries;
  const r = await safeLoad('retries', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const total = r.value.reduce((a, p) => a + p.retries, 0);
  const data = r.value.map((p) => ({ bucket: p.bucket, count: p.retries, rate: p.success_rate }));
  return (
    <ChartPanel
      title={c.title}
      description={`${total.toLocaleString('en')} retries, per ${range.bucket}; line: operations that succeeded after retrying`}
      csvHref={csv('retries', range)}
      chart={total ? <RateBarsChart data={data} bucket={range.bucket} countLabel="retries" rateLabel="success rate" /> : (
          <Empty what="database retries">
            Flightdeck&apos;s own database layer retries lost connections, deadlocks and serialization failures; none were
            needed in this range. The Database page shows retries live.
          </Empty>
        )}
      table={formatTable(c.table(r.value), c.title)}
    />
  );
}

export async function ToolTrendCard({ range }: Props) {
  const c = charts['tool-trend'];
  const r = await safeLoad('tool-trend', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const total = r.value.reduce((a, p) => a + p.executions, 0);
  const data = r.value.map((p) => ({ bucket: p.bucket, count: p.executions, bad: p.failures, rate: p.success_rate }));
  return (
    <ChartPanel
      title={c.title}
      description={`${total.toLocaleString('en')} tool executions, per ${range.bucket}`}
      csvHref={csv('tool-trend', range)}
      chart={total ? <RateBarsChart data={data} bucket={range.bucket} countLabel="succeeded" badLabel="failed" rateLabel="success rate" /> : (
          <Empty what="tool executions">Agents report each tool call as an event; none arrived in this range.</Empty>
        )}
      table={formatTable(c.table(r.value), c.title)}
    />
  );
}

export async function FailingToolsCard({ range }: Props) {
  const c = charts['failing-tools'];
  const r = await safeLoad('failing-tools', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  return (
    <ChartPanel
      title={c.title}
      description="Failed executions by tool"
      csvHref={csv('failing-tools', range)}
      chart={r.value.length ? <FailingToolsChart data={r.value} /> : (
          <Empty what="tool failures">Every tool call reported in this range succeeded.</Empty>
        )}
      table={formatTable(c.table(r.value), c.title)}
    />
  );
}
