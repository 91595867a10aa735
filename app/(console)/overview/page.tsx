import type { Metadata } from 'next';
import { Card, Stat } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { recoveryStatusSummary } from '@/lib/checkpoints/queries';
import { getDb } from '@/lib/db/client';
import { countActiveInterventions } from '@/lib/interventions/queries';
import { countSessionsByStatus } from '@/lib/sessions/queries';
import { listToolStats } from '@/lib/tools/queries';
import { formatPercent } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  await requirePageUser('console:read');
  const db = await getDb();
  const [byStatus, paused, recoveries, tools] = await Promise.all([
    countSessionsByStatus(db),
    countActiveInterventions(db),
    recoveryStatusSummary(db),
    listToolStats(db, { days: 7 }),
  ]);
  const count = (s: string) => byStatus.find((r) => r.status === s)?.n ?? 0;
  const finished = recoveries.filter((r) => r.recovery_status === 'succeeded' || r.recovery_status === 'failed');
  const succeeded = recoveries.find((r) => r.recovery_status === 'succeeded')?.count ?? 0;
  const recoveryRate = finished.length ? succeeded / finished.reduce((a, r) => a + r.count, 0) : null;
  const toolRuns = tools.reduce((a, t) => a + t.executions, 0);
  const toolRate = toolRuns ? tools.reduce((a, t) => a + t.success_rate * t.executions, 0) / toolRuns : null;

  return (
    <>
      <PageHeader title="Overview" description="How the fleet is doing: sessions, interventions, recoveries and tools." />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Active sessions" value={count('running') + count('recovering')} />
        <Stat label="Paused now" value={paused} hint="waiting for a person" />
        <Stat label="Recovery success" value={formatPercent(recoveryRate)} hint="all time" />
        <Stat label="Tool success (7 d)" value={formatPercent(toolRate)} hint={`${toolRuns.toLocaleString()} executions`} />
      </div>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card title="Sessions by status">
          {byStatus.length === 0 ? (
            <p className="text-sm text-slate-500">No sessions yet. Agents create them through POST /api/v1/sessions.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {byStatus.map((r) => (
                <li key={r.status} className="flex justify-between">
                  <span>{r.status}</span>
                  <span className="tabular-nums">{r.n}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Recoveries by outcome">
          {recoveries.length === 0 ? (
            <p className="text-sm text-slate-500">No recoveries yet. They appear when someone restores a session from a checkpoint.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {recoveries.map((r) => (
                <li key={r.recovery_status} className="flex justify-between">
                  <span>{r.recovery_status.replace('_', ' ')}</span>
                  <span className="tabular-nums">{r.count}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
