import Link from 'next/link';
import { cache } from 'react';
import { SparklineChart } from '@/components/charts/sparkline-chart';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { charts } from '@/lib/pages/charts';
import type { TimeRange } from '@/lib/analytics/range';
import { getReadDb } from '@/lib/db/replica';
import { env } from '@/lib/env';
import { rankTools, SATISFACTION_WEIGHT, type PreferenceStrategy } from '@/lib/tools/preference';
import { decodeFailureCursor, listRecentToolFailures, listToolStatistics, listToolUsers } from '@/lib/tools/stats';
import { formatCount, formatDateTime, formatPercent } from '@/lib/ui/format';
import { ChartPanel } from '../../overview/_components/chart-panel';
import { LatencyChart, PreferenceChart } from '../../overview/_components/lazy-charts';
import { formatTable, safeLoad, WidgetError } from '../../overview/_components/widget';

export type ToolsFilters = { userId?: string; tool?: string; cursor?: string; strategy: PreferenceStrategy };
type Props = { range: TimeRange; filters: ToolsFilters };

// Three cards show the tool statistics and two the user list: one read each per request (React's request cache;
// every card gets the page's same `range` object). lib/pages/analytics.ts mirrors these reads for the benchmark.
const toolStatistics = cache(async (range: TimeRange) => listToolStatistics(await getReadDb(), range));
const toolUsers = cache(async () => listToolUsers(await getReadDb()));

const ms = (v: number | null) => (v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** Hidden inputs that carry the time range through the filter forms (GET). */
function RangeInputs({ range }: { range: TimeRange }) {
  return (
    <>
      {[...new URLSearchParams(range.query)].map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

export async function ToolStatsCard({ range }: Props) {
  const r = await safeLoad('tool-stats', () => toolStatistics(range));
  if (!r.ok) return <WidgetError title="Tools" />;
  const rows = r.value;
  return (
    <Card
      title={`Tools · ${range.label}`}
      action={
        <a href={`/overview/export/tool-stats?${range.query}`} download aria-label="Download Tool statistics as CSV" className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-50">
          CSV
        </a>
      }
    >
      {rows.length === 0 ? (
        <EmptyState title="No tool executions in this range">
          Agents report tool executions through POST /api/v1/tool-executions; they appear here per tool.
        </EmptyState>
      ) : (
        <Table>
          <caption className="sr-only">Tool statistics</caption>
          <thead>
            <tr>
              <Th>Tool</Th>
              <Th className="text-right">Executions</Th>
              <Th className="text-right">Success</Th>
              <Th className="text-right">p50</Th>
              <Th className="text-right">p95</Th>
              <Th className="text-right">Satisfaction</Th>
              <Th>Success trend (per {range.bucket})</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((t) => (
              <Tr key={t.tool}>
                <Td className="font-mono text-xs font-medium">
                  {/* Plain links in the rows, not next/link: a client component per row costs server CPU per view (issue 18). */}
                  <a href={`/tools?${range.query}&tool=${encodeURIComponent(t.tool)}#failures`} className="hover:underline">
                    {t.tool}
                  </a>
                </Td>
                <Td className="text-right tabular-nums">{formatCount(t.executions)}</Td>
                <Td className={`text-right tabular-nums ${t.successRate < 0.8 ? 'text-red-700' : ''}`}>{formatPercent(t.successRate)}</Td>
                <Td className="text-right tabular-nums">{ms(t.p50Ms)}</Td>
                <Td className="text-right tabular-nums">{ms(t.p95Ms)}</Td>
                <Td className="text-right tabular-nums">{t.satisfaction === null ? '—' : `${t.satisfaction.toFixed(2)} / 5`}</Td>
                <Td>
                  <SparklineChart values={t.trend} label={`${t.tool} success rate trend`} />
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      <p className="mt-3 text-xs text-slate-500">
        p50/p95 are estimated from daily and hourly log₂ latency histograms (within the bucket of the true value, ≤ 2× wide).
      </p>
    </Card>
  );
}

export async function LatencyCard({ range }: Props) {
  const c = charts['tool-stats'];
  const r = await safeLoad('latency', () => toolStatistics(range));
  if (!r.ok) return <WidgetError title="Execution time by tool" />;
  const data = r.value.slice(0, 12).map((t) => ({ tool: t.tool, p50: t.p50Ms, p95: t.p95Ms }));
  return (
    <ChartPanel
      title="Execution time by tool"
      description="p50 and p95, log scale"
      csvHref={`/overview/export/tool-stats?${range.query}`}
      chart={data.length ? <LatencyChart data={data} /> : <EmptyState title="No tool executions in this range" />}
      table={formatTable(c.table(r.value), 'Execution time by tool')}
    />
  );
}

export async function PreferenceCard({ range, filters }: Props) {
  const r = await safeLoad('preference', async () => {
    const db = await getReadDb();
    const users = await toolUsers();
    const userId = filters.userId ?? users[0]?.userId;
    const ranked = userId ? await rankTools({ db, userId, strategy: filters.strategy }) : [];
    return { users, userId, ranked };
  });
  if (!r.ok) return <WidgetError title="Preferred tools" />;
  const { users, userId, ranked } = r.value;
  const e = env();
  const table = charts.preference.table(ranked);
  return (
    <div className="space-y-4">
      <form method="get" action="/tools" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Preferred tools for">
        <RangeInputs range={range} />
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">End user</span>
          <select name="user" defaultValue={userId} className="rounded-md border border-slate-300 bg-white px-2 py-1.5">
            {users.map((u) => (
              <option key={u.userId} value={u.userId}>
                {u.userId} ({formatCount(u.runs)} runs)
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Strategy</span>
          <select name="strategy" defaultValue={filters.strategy} className="rounded-md border border-slate-300 bg-white px-2 py-1.5">
            <option value="mean">mean</option>
            <option value="lower_bound">lower bound (cautious)</option>
            <option value="thompson">Thompson (explores)</option>
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50">
          Show
        </button>
      </form>
      {!userId ? (
        <EmptyState title="No end users with tool runs yet" />
      ) : (
        <ChartPanel
          title={`Preferred tools for ${userId}`}
          description={`strategy: ${filters.strategy}; bars: posterior mean, whiskers: 90 % credible interval`}
          csvHref={`/overview/export/preference?${range.query}&user=${encodeURIComponent(userId)}`}
          chart={<PreferenceChart data={ranked.slice(0, 12).map((t) => ({ tool: t.tool, mean: t.mean, lower: t.lower, upper: t.upper, score: t.score }))} />}
          table={formatTable(table, `Preferred tools for ${userId}`)}
        />
      )}
      <details className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-xs text-slate-600" open>
        <summary className="cursor-pointer font-medium text-slate-700">How the preference score is computed</summary>
        <p className="mt-2">
          Each (user, tool) success probability is a Beta–Binomial estimate. The prior is the tool&apos;s fleet-wide success
          rate p₀ over the last 30 days with the weight of {e.TOOL_PREFERENCE_PRIOR_STRENGTH} runs, so a user with two runs is
          ranked mostly on the fleet&apos;s experience. The user&apos;s own runs are added with weight 2^(−age/
          {e.TOOL_PREFERENCE_HALF_LIFE_DAYS} days), so recent runs count more and a tool that starts failing drops quickly.
          Posterior: Beta(k·p₀ + weighted successes, k·(1−p₀) + weighted failures); the interval is its 5 %–95 % quantiles.
        </p>
        <p className="mt-1">
          Score = posterior mean (<em>mean</em>), its 5 % quantile (<em>lower bound</em>: prefers proven tools) or one random
          draw (<em>Thompson</em>: tries uncertain tools now and then), plus at most ±{SATISFACTION_WEIGHT} for users&apos;
          ratings (1–5, shrunk towards 3). Agents get the same ranking from GET /api/v1/tools/preferred.
        </p>
      </details>
    </div>
  );
}

export async function FailuresCard({ range, filters }: Props) {
  const r = await safeLoad('failures', async () => {
    const db = await getReadDb();
    const [page, tools, users] = await Promise.all([
      listRecentToolFailures(db, {
        range,
        tool: filters.tool,
        userId: filters.userId,
        cursor: decodeFailureCursor(filters.cursor),
        limit: 25,
      }),
      toolStatistics(range),
      toolUsers(),
    ]);
    return { page, tools: tools.map((t) => t.tool), users: users.map((u) => u.userId) };
  });
  if (!r.ok) return <WidgetError title="Recent failures" />;
  const { page, tools, users } = r.value;
  const qs = new URLSearchParams(range.query);
  if (filters.tool) qs.set('tool', filters.tool);
  if (filters.userId) qs.set('user', filters.userId);
  return (
    <Card
      title="Recent failures"
      action={
        <a href={`/overview/export/failures?${qs.toString()}`} download aria-label="Download Recent failures as CSV" className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-50">
          CSV
        </a>
      }
    >
      <form method="get" action="/tools#failures" className="mb-3 flex flex-wrap items-end gap-3 text-sm" aria-label="Filter failures">
        <RangeInputs range={range} />
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Tool</span>
          <select name="tool" defaultValue={filters.tool ?? ''} className="rounded-md border border-slate-300 bg-white px-2 py-1.5">
            <option value="">All tools</option>
            {tools.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">User</span>
          <select name="user" defaultValue={filters.userId ?? ''} className="rounded-md border border-slate-300 bg-white px-2 py-1.5">
            <option value="">All users</option>
            {users.map((u) => (
              <option key={u} value={u}>{u}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50">
          Filter
        </button>
      </form>
      {page.items.length === 0 ? (
        <EmptyState title="No failed tool executions match">Every execution in this range succeeded, or the filter is too narrow.</EmptyState>
      ) : (
        <Table>
          <caption className="sr-only">Recent failures</caption>
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Tool</Th>
              <Th>User</Th>
              <Th className="text-right">Time</Th>
              <Th>Error</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((f) => (
              <Tr key={f.id}>
                <Td className="whitespace-nowrap text-xs">{formatDateTime(f.createdAt)}</Td>
                <Td className="font-mono text-xs">{f.toolName}</Td>
                <Td className="font-mono text-xs">{f.userId}</Td>
                <Td className="text-right tabular-nums">{ms(f.executionTimeMs)}</Td>
                <Td className="max-w-md break-words text-xs text-red-800">
                  {f.errorMessage ?? '—'}
                  {f.sessionId && (
                    <a href={`/sessions/${f.sessionId}`} className="ml-2 text-indigo-700 hover:underline">
                      session
                    </a>
                  )}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
      {page.nextCursor && (
        <div className="mt-3 text-right">
          <Link href={`/tools?${qs.toString()}&cursor=${page.nextCursor}#failures`} className="text-sm font-medium text-indigo-700 hover:underline">
            Older failures →
          </Link>
        </div>
      )}
    </Card>
  );
}
