'use client';
import { clsx } from 'clsx';
import { use } from 'react';
import { Card } from '@/components/ui/card';
import type { DatabaseStats } from '@/lib/observability/stats';
import { formatCount, formatMs } from './format';
import { LiveBody } from './live';
import { useDatabaseStats, type Loaded } from './use-database-stats';

function Gauge({
  label,
  value,
  fraction,
  hint,
  warnAt = 0.8,
}: {
  label: string;
  value: React.ReactNode;
  fraction: number | null;
  hint?: React.ReactNode;
  warnAt?: number;
}) {
  const f = fraction === null ? null : Math.max(0, Math.min(1, fraction));
  return (
    <div className="rounded-lg border border-slate-200 p-3">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</div>
      {f !== null && (
        <div
          role="meter"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(f * 100)}
          className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
        >
          <div
            className={clsx('h-full rounded-full', f >= 1 ? 'bg-red-500' : f >= warnAt ? 'bg-amber-500' : 'bg-emerald-500')}
            style={{ width: `${Math.max(f * 100, f > 0 ? 3 : 0)}%` }}
          />
        </div>
      )}
      {hint && <div className="mt-1.5 text-xs text-slate-500">{hint}</div>}
    </div>
  );
}

function Figure({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums text-slate-800">{value}</dd>
    </div>
  );
}

export function PoolCard({ initial, sinceMinutes }: { initial: Promise<Loaded<DatabaseStats>>; sinceMinutes: number }) {
  const first = use(initial);
  const query = useDatabaseStats(sinceMinutes, first);
  return (
    <LiveBody title="Connection pool" query={query} first={first}>
      {({ pool: p }) => (
        <Card
          title="Connection pool"
          action={<span className="text-xs text-slate-500">{p.label} · this process, last {formatCount(Math.min(p.queries, 1000))} queries</span>}
        >
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Gauge label="Pool size" value={p.poolSize} fraction={null} hint={p.driver === 'pglite' ? 'PGlite runs one statement at a time' : 'DB_POOL_MAX'} />
            <Gauge label="In flight" value={`${p.inFlight} / ${p.poolSize}`} fraction={p.poolSize ? p.inFlight / p.poolSize : 0} hint="connections running a statement" />
            <Gauge
              label="Waiting"
              value={p.waiting}
              fraction={p.poolSize ? p.waiting / p.poolSize : 0}
              warnAt={0.01}
              hint={`most seen ${p.maxWaitingSeen} · ${p.acquireTimeouts} timed out (after ${formatMs(p.acquireTimeoutMs)})`}
            />
            <Gauge label="Utilisation" value={`${Math.round(p.utilisation * 100)}%`} fraction={p.utilisation} hint="in flight ÷ pool size" />
          </div>
          <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4 lg:grid-cols-8">
            <Figure label="Acquire wait p50" value={formatMs(p.acquireWaitMs.p50)} />
            <Figure label="Acquire wait p95" value={formatMs(p.acquireWaitMs.p95)} />
            <Figure label="Acquire wait p99" value={formatMs(p.acquireWaitMs.p99)} />
            <Figure label="Query p50" value={formatMs(p.queryMs.p50)} />
            <Figure label="Query p95" value={formatMs(p.queryMs.p95)} />
            <Figure label="Query p99" value={formatMs(p.queryMs.p99)} />
            <Figure label="Queries · errors" value={`${formatCount(p.queries)} · ${formatCount(p.errors)}`} />
            <Figure label="Open transactions" value={p.openTransactions} />
          </dl>
        </Card>
      )}
    </LiveBody>
  );
}
