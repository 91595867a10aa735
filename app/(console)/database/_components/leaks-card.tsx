'use client';
import { use } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { DatabaseStats } from '@/lib/observability/stats';
import { formatMs } from './format';
import { formatTimeOfDay } from '@/lib/format/time';
import { LiveBody } from './live';
import { useDatabaseStats, type Loaded } from './use-database-stats';

export function LeaksCard({ initial, sinceMinutes }: { initial: Promise<Loaded<DatabaseStats>>; sinceMinutes: number }) {
  const first = use(initial);
  const query = useDatabaseStats(sinceMinutes, first);
  return (
    <LiveBody title="Leak warnings" query={query} first={first}>
      {({ pool }) => (
        <Card
          title="Leak warnings"
          action={
            <span className="text-xs text-slate-500">
              {pool.openTransactions} open now · warn after {formatMs(pool.leakThresholdMs)}
            </span>
          }
        >
          {pool.suspectedLeaks.length === 0 ? (
            <p className="text-sm text-slate-600">
              <span className="mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500" aria-hidden />
              No transaction or reserved connection held longer than {formatMs(pool.leakThresholdMs)}{' '}
              <span className="text-slate-500">(DB_LEAK_THRESHOLD_MS)</span>. One that is would be listed here with the
              code that opened it.
            </p>
          ) : (
            <ul className="space-y-3">
              {pool.suspectedLeaks.map((l) => (
                <li key={l.id} role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-3">
                  <div className="flex flex-wrap items-center gap-2 text-sm text-amber-900">
                    <Badge tone="amber">{l.kind}</Badge>
                    <span className="font-medium">held for {formatMs(l.heldMs)}</span>
                    <span className="text-xs">opened {formatTimeOfDay(l.openedAt)}</span>
                  </div>
                  {l.openedBy && (
                    <pre className="mt-2 overflow-x-auto whitespace-pre rounded bg-white/70 p-2 font-mono text-[11px] leading-4 text-slate-700">
                      {l.openedBy}
                    </pre>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </LiveBody>
  );
}
