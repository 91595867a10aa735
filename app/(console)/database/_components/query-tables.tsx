'use client';
import { clsx } from 'clsx';
import { use, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { DatabaseStats, QueryStats } from '@/lib/observability/stats';
import type { TimeRange } from '@/lib/ui/time-buckets';
import { formatCount, formatMs } from './format';
import { formatTimeOfDay } from '@/lib/format/time';
import { LiveBody } from './live';
import { useDatabaseStats, useQueryStats, type Loaded, type TemplateOrder } from './use-database-stats';

function SqlText({ text, lines = 2 }: { text: string; lines?: number }) {
  return (
    <code
      title={text}
      className="block max-w-[48rem] break-all font-mono text-xs text-slate-700"
      style={{ display: '-webkit-box', WebkitLineClamp: lines, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}
    >
      {text}
    </code>
  );
}

function Caller({ caller }: { caller: string | null }) {
  if (!caller) return null;
  return <div className="mt-0.5 truncate text-[11px] text-slate-500" title={caller}>from {caller}</div>;
}

const SLOW_SHOWN = 15;

export function SlowQueriesCard({
  initial,
  initialStats,
  range,
}: {
  initial: Promise<Loaded<QueryStats>>;
  initialStats: Promise<Loaded<DatabaseStats>>;
  range: TimeRange;
}) {
  const first = use(initial);
  const firstStats = use(initialStats);
  const query = useQueryStats('total', first);
  const threshold = useDatabaseStats(range.minutes, firstStats).data?.pool.slowQueryMs ?? 1000;
  return (
    <LiveBody title="Slow queries" query={query} first={first}>
      {({ slow }) => {
        const since = (query.dataUpdatedAt) - range.minutes * 60_000;
        const rows = slow.filter((s) => Date.parse(s.at) >= since);
        return (
          <Card title="Slow queries" action={<span className="text-xs text-slate-500">≥ {formatMs(threshold)} · this process keeps the last 100</span>}>
            {rows.length === 0 ? (
              <EmptyState title={`No slow queries over ${formatCount(threshold)} ms in the last ${range.label}`}>
                A statement slower than DB_SLOW_QUERY_MS ({formatCount(threshold)} ms) is listed here with its template and
                the code that issued it.
              </EmptyState>
            ) : (
              <Table>
                <thead>
                  <tr>
                    <Th>When</Th>
                    <Th className="text-right">Duration</Th>
                    <Th>Statement</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.slice(0, SLOW_SHOWN).map((s, i) => (
                    <Tr key={`${s.at}-${s.hash}-${i}`}>
                      <Td className="whitespace-nowrap text-xs tabular-nums">{formatTimeOfDay(s.at)}</Td>
                      <Td className="whitespace-nowrap text-right tabular-nums">
                        {formatMs(s.durationMs)} {s.error && <Badge tone="red">error</Badge>}
                      </Td>
                      <Td>
                        <SqlText text={s.template} />
                        <Caller caller={s.caller} />
                      </Td>
                    </Tr>
                  ))}
                </tbody>
              </Table>
            )}
            {rows.length > SLOW_SHOWN && (
              <p className="mt-2 text-xs text-slate-500">
                {rows.length - SLOW_SHOWN} older slow queries not shown; the template table ranks them all.
              </p>
            )}
          </Card>
        );
      }}
    </LiveBody>
  );
}

const columns: { key: TemplateOrder | null; label: string }[] = [
  { key: 'count', label: 'Count' },
  { key: 'mean', label: 'Mean' },
  { key: 'p95', label: 'p95' },
  { key: null, label: 'Max' },
  { key: 'errors', label: 'Errors' },
  { key: 'total', label: 'Total time' },
];

export function TopTemplatesCard({ initial }: { initial: Promise<Loaded<QueryStats>> }) {
  const first = use(initial);
  const [orderBy, setOrderBy] = useState<TemplateOrder>('total');
  const query = useQueryStats(orderBy, first);
  return (
    <LiveBody title="Top query templates" query={query} first={first}>
      {({ top }) => (
        <Card title="Top query templates" action={<span className="text-xs text-slate-500">this process, literals stripped · last 1000 runs per template</span>}>
          {top.length === 0 ? (
            <EmptyState title="No statements recorded yet">
              Every statement this process runs is grouped by its normalised template (literals replaced by ?) and
              timed; the heaviest appear here once the app has served some traffic.
            </EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Template</Th>
                  {columns.map((c) => (
                    <Th key={c.label} className="text-right">
                      {c.key ? (
                        <button
                          type="button"
                          onClick={() => setOrderBy(c.key!)}
                          aria-pressed={orderBy === c.key}
                          className={clsx('uppercase tracking-wide', orderBy === c.key ? 'text-indigo-700' : 'hover:text-slate-800')}
                        >
                          {c.label}
                          {orderBy === c.key ? ' ↓' : ''}
                        </button>
                      ) : (
                        c.label
                      )}
                    </Th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {top.map((t) => (
                  <Tr key={t.hash}>
                    <Td>
                      <div className="text-xs font-medium text-slate-900">{t.operation}</div>
                      <SqlText text={t.template} />
                      <Caller caller={t.caller} />
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(t.count)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(t.meanMs)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(t.p95Ms)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(t.maxMs)}</Td>
                    <Td className={`text-right tabular-nums ${t.errors ? 'font-medium text-red-700' : ''}`}>{formatCount(t.errors)}</Td>
                    <Td className="whitespace-nowrap text-right tabular-nums">{formatMs(t.totalMs)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      )}
    </LiveBody>
  );
}
