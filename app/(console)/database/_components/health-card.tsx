'use client';
import { clsx } from 'clsx';
import { use } from 'react';
import type { HealthReport } from '@/lib/observability/stats';
import { formatMs } from './format';
import { formatTimeOfDay } from '@/lib/format/time';
import { LiveBody } from './live';
import { useHealth, type Loaded } from './use-database-stats';

const verdicts = {
  ok: { label: 'Healthy', tone: 'border-emerald-200 bg-emerald-50 text-emerald-900', dot: 'bg-emerald-500' },
  degraded: { label: 'Degraded', tone: 'border-amber-200 bg-amber-50 text-amber-900', dot: 'bg-amber-500' },
  unavailable: { label: 'Unavailable', tone: 'border-red-200 bg-red-50 text-red-900', dot: 'bg-red-500' },
} as const;

/** Why the verdict is what it is: the database, the migrations, then the pool's own reasons. */
function reasonsOf(h: HealthReport): string[] {
  const out: string[] = [];
  if (!h.database.reachable) out.push(`The database does not answer${h.database.error ? ` (${h.database.error})` : ''}.`);
  if (h.migrations.pending.length) out.push(`Migrations pending: ${h.migrations.pending.join(', ')}. Run npm run db:migrate.`);
  for (const r of h.pool?.reasons ?? []) out.push(r.charAt(0).toUpperCase() + r.slice(1) + '.');
  for (const r of h.replicas ?? []) {
    if (r.state === 'down') out.push(`Replica ${r.label} is down${r.error ? ` (${r.error})` : ''}: its reads go to the primary.`);
    if (r.state === 'lagging') out.push(`Replica ${r.label} is ${formatLag(r.lagS)} behind: its reads go to the primary.`);
  }
  return out;
}

function formatLag(s: number | null) {
  return s === null ? 'an unknown time' : s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

const replicaTone = { ok: 'text-emerald-800', lagging: 'text-amber-800', down: 'text-red-800' } as const;

/** Each read replica: its state and lag (DATABASE_REPLICA_URLS). */
function Replicas({ replicas }: { replicas: HealthReport['replicas'] }) {
  if (!replicas?.length) return null;
  return (
    <table aria-label="Read replicas" className="mt-3 w-full text-left text-xs">
      <thead className="opacity-70">
        <tr>
          <th className="font-medium">Read replica</th>
          <th className="font-medium">State</th>
          <th className="text-right font-medium">Lag</th>
        </tr>
      </thead>
      <tbody>
        {replicas.map((r) => (
          <tr key={r.label} data-testid="replica-row">
            <td className="font-mono">{r.label}</td>
            <td className={clsx('font-medium', replicaTone[r.state])}>
              {r.state === 'ok' ? (r.inRecovery === false ? 'in use (not in recovery)' : 'in use') : r.state === 'lagging' ? 'lagging, skipped' : 'down, skipped'}
            </td>
            <td className="text-right tabular-nums">{r.lagS === null ? '—' : formatLag(r.lagS)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HealthCard({ initial }: { initial: Promise<Loaded<HealthReport>> }) {
  const first = use(initial);
  const query = useHealth(first);
  return (
    <LiveBody title="Health" query={query} first={first}>
      {(h) => {
        const v = verdicts[h.status];
        const reasons = reasonsOf(h);
        return (
          <section aria-label="Health verdict" className={clsx('rounded-xl border px-5 py-4', v.tone)}>
            <div className="flex flex-wrap items-center justify-between gap-3">
              <div className="flex items-center gap-3">
                <span className={clsx('h-3 w-3 rounded-full', v.dot)} aria-hidden />
                <h2 className="text-lg font-semibold" data-testid="health-verdict">
                  {v.label}
                </h2>
                <span className="text-sm opacity-80">
                  {reasons.length === 0 ? 'Database reachable, migrations current, pool within limits.' : `${reasons.length} reason${reasons.length > 1 ? 's' : ''}`}
                </span>
              </div>
              <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs opacity-80">
                <div>
                  <dt className="inline">Driver </dt>
                  <dd className="inline font-medium">{h.database.driver === 'pglite' ? 'PGlite (embedded)' : h.database.driver === 'postgres' ? 'Postgres' : '—'}</dd>
                </div>
                <div>
                  <dt className="inline">Round trip </dt>
                  <dd className="inline font-medium tabular-nums">{formatMs(h.database.latencyMs)}</dd>
                </div>
                <div>
                  <dt className="inline">Migrations </dt>
                  <dd className="inline font-medium">{h.migrations.current ? 'current' : `${h.migrations.pending.length} pending`}</dd>
                </div>
                <div>
                  <dt className="inline">Checked </dt>
                  <dd className="inline font-medium tabular-nums">{formatTimeOfDay(h.checkedAt)}</dd>
                </div>
              </dl>
            </div>
            <Replicas replicas={h.replicas} />
            {reasons.length > 0 && (
              <ul className="mt-2 list-disc space-y-0.5 pl-9 text-sm">
                {reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
          </section>
        );
      }}
    </LiveBody>
  );
}
