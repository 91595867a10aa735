import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StatusBadge } from '@/components/ui/badge';
import { Card, Stat } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { loadSessionPage } from '@/lib/pages/sessions';
import { isHeartbeatStale } from '@/lib/sessions/queries';
import { formatDateTime } from '@/lib/ui/format';
import { formatAgoSeconds } from '@/lib/format/time';
import { RestoreButton } from '../_components/restore-dialog';
import { TimelineList } from '../_components/timeline-list';
import { UsageBurn } from '../_components/usage-burn';

export const metadata: Metadata = { title: 'Session' };

function MetricValue({ value }: { value: unknown }) {
  if (typeof value === 'number') return <>{Number.isInteger(value) ? value : value.toFixed(3)}</>;
  if (typeof value === 'string' || typeof value === 'boolean') return <>{String(value)}</>;
  return <code className="text-xs">{JSON.stringify(value)}</code>;
}

export default async function SessionDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const user = await requirePageUser('console:read');
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const data = await loadSessionPage(await getDb(), { id, before: sp.before });
  if (!data) notFound();
  const { session, summary, timeline, abort, usage } = data;
  const finished = session.status === 'completed' || session.status === 'aborted';
  const canRestore = can(user.role, 'interventions:restore') && !finished;
  const restoreBlockedReason = summary.recoveryInProgress
    ? `A recovery is in progress (started by ${summary.recoveryInProgress.initiatedBy ?? 'unknown'})`
    : null;
  const canInvalidate = can(user.role, 'checkpoints:invalidate');
  const stale = isHeartbeatStale(session, env().HEARTBEAT_STALE_S);
  const latest = summary.latestCheckpoint;
  const metrics = Object.entries(latest?.metricsSnapshot ?? {});
  return (
    <>
      <PageHeader
        title={`${session.project} · ${session.agentName}`}
        description={`Session ${session.id}${session.externalId ? ` · external id ${session.externalId}` : ''}`}
        actions={
          <>
            <StatusBadge status={session.status} />
            {canRestore && latest && (
              <RestoreButton
                size="md"
                hasOpenPause={Boolean(summary.openPauseId)}
                blockedReason={restoreBlockedReason}
                target={{
                  sessionId: session.id,
                  checkpointId: latest.id,
                  sequence: latest.sequence,
                  currentTaskId: latest.currentTaskId,
                  messageCount: latest.messageCount,
                }}
              />
            )}
          </>
        }
      />
      {summary.recoveryInProgress && (
        <p role="status" className="mb-4 rounded-lg bg-violet-50 px-4 py-2 text-sm text-violet-800">
          A recovery is in progress (started by {summary.recoveryInProgress.initiatedBy ?? 'unknown'}); restore is available again once the
          agent reports back or the recovery is abandoned.
        </p>
      )}
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Current task" value={<span className="text-base">{session.currentTask ?? '—'}</span>} hint={`started ${formatDateTime(session.startedAt)}`} />
        <Stat
          label="Last heartbeat"
          value={<span className={stale ? 'text-base text-red-700' : 'text-base'}>{formatAgoSeconds(session.heartbeatAgeS)}</span>}
          hint={stale ? 'stale: the agent may be gone' : formatDateTime(session.lastHeartbeatAt)}
        />
        <Stat label="Checkpoints" value={summary.checkpointCount} hint={`${summary.validCheckpointCount} valid`} />
        <Stat label="Pauses" value={summary.pauseCount} hint={summary.openPauseId ? 'one open now' : 'none open'} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        {/* min-w-0: a grid item may shrink below its content, so a long row cannot widen the page at phone width. */}
        <Card title="Timeline" className="min-w-0 lg:col-span-2">
          {timeline.items.length === 0 ? (
            <EmptyState title="No activity yet">Events the agent reports and every state change appear here in order.</EmptyState>
          ) : (
            <TimelineList
              sessionId={session.id}
              items={timeline.items}
              canRestore={canRestore}
              restoreBlockedReason={restoreBlockedReason}
              canInvalidate={canInvalidate}
              hasOpenPause={Boolean(summary.openPauseId)}
            />
          )}
          <div className="mt-3 flex justify-between text-sm">
            {sp.before ? (
              <Link href={`/sessions/${session.id}`} className="font-medium text-indigo-700 hover:underline">
                ← Latest
              </Link>
            ) : (
              <span />
            )}
            {timeline.nextCursor && (
              <Link href={`/sessions/${session.id}?before=${timeline.nextCursor}`} className="font-medium text-indigo-700 hover:underline">
                Earlier →
              </Link>
            )}
          </div>
        </Card>
        <div className="space-y-4">
          {usage && <UsageBurn usage={usage} />}
          <Card title={latest ? `Metrics (checkpoint #${latest.sequence})` : 'Metrics'}>
            {metrics.length === 0 ? (
              <p className="text-sm text-slate-500">{latest ? 'The latest checkpoint carries no metrics.' : 'No checkpoint yet.'}</p>
            ) : (
              <dl className="grid grid-cols-2 gap-2 text-sm">
                {metrics.map(([k, v]) => (
                  <div key={k}>
                    <dt className="text-xs text-slate-500">{k.replace(/_/g, ' ')}</dt>
                    <dd className="tabular-nums">
                      <MetricValue value={v} />
                    </dd>
                  </div>
                ))}
              </dl>
            )}
            {latest && (
              <p className="mt-3 text-xs text-slate-500">
                {latest.completedTasks.length} tasks completed · {latest.messageCount} messages ·{' '}
                <Link className="text-indigo-700 underline" href={`/sessions/${session.id}/checkpoints/${latest.id}`}>
                  inspect
                </Link>
              </p>
            )}
          </Card>
          {(session.error || abort) && (
            <Card title="Error">
              {session.error && <p className="break-words font-mono text-xs text-red-700">{session.error}</p>}
              {abort && (
                <p className="mt-1 text-sm text-slate-700">
                  Aborted by {abort.by ?? 'unknown'}
                  {abort.at ? ` at ${formatDateTime(abort.at)}` : ''}
                  {abort.note && abort.note !== session.error ? `: ${abort.note}` : ''}
                </p>
              )}
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
