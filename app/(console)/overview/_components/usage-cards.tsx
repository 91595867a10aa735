import { charts } from '@/lib/pages/charts';
import type { TimeRange } from '@/lib/analytics/range';
import { getReadDb } from '@/lib/db/replica';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDuration } from '@/lib/format/time';
import { ChartPanel } from './chart-panel';
import { UsageChart } from './lazy-charts';
import { formatTable, safeLoad, WidgetError } from './widget';

/** Overview: what the agents spend (usage roll-ups) and how long a pause waits for a person. */
type Props = { range: TimeRange };

const csv = (id: string, range: TimeRange) => `/overview/export/${id}?${range.query}`;

export async function UsageCard({ range, kind }: Props & { kind: 'cost' | 'tokens' }) {
  const id = kind === 'cost' ? 'usage-cost' : 'usage-tokens';
  const c = charts[id];
  const r = await safeLoad(id, async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const d = r.value;
  const total = d.points.reduce((a, p) => a + d.projects.reduce((s, name) => s + p[kind][name], 0), 0);
  const figure = kind === 'cost' ? `$${total.toFixed(2)}` : `${Math.round(total).toLocaleString('en')} tokens`;
  return (
    <ChartPanel
      title={c.title}
      description={`${figure} in this range, per ${range.bucket}, by project`}
      csvHref={csv(id, range)}
      chart={
        total ? (
          <UsageChart data={d.points.map((p) => ({ bucket: p.bucket, values: p[kind] }))} projects={d.projects} unit={kind === 'cost' ? 'usd' : 'tokens'} bucket={range.bucket} />
        ) : (
          <EmptyState title={`No ${kind === 'cost' ? 'cost' : 'tokens'} reported in this range`}>
            Agents report usage with their tool executions or through POST /api/v1/sessions/&#123;id&#125;/usage (and OTLP
            gen_ai attributes); none arrived in this range.
          </EmptyState>
        )
      }
      table={formatTable(c.table(d), c.title)}
    />
  );
}

export async function FirstActionCard({ range }: Props) {
  const c = charts['first-action'];
  const r = await safeLoad('first-action', async () => c.load(await getReadDb(), { range }));
  if (!r.ok) return <WidgetError title={c.title} />;
  const d = r.value;
  return (
    <ChartPanel
      title={c.title}
      description={`From a pause to the first thing a person did about it (assign, note, resume, abort, restore); ${d.acted.toLocaleString('en')} of ${d.pauses.toLocaleString('en')} pauses started in this range`}
      csvHref={csv('first-action', range)}
      chart={
        <dl className="grid grid-cols-2 gap-4" aria-label="Time to first human action">
          {(
            [
              ['p50', d.p50S],
              ['p95', d.p95S],
            ] as const
          ).map(([label, v]) => (
            <div key={label} className="rounded-lg bg-slate-50 p-4">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
              <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{formatDuration(v)}</dd>
            </div>
          ))}
        </dl>
      }
      table={formatTable(c.table(d), c.title)}
    />
  );
}
