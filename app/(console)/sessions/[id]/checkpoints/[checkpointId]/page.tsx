import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Card, Stat } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { listCheckpointMessages } from '@/lib/checkpoints/queries';
import { listSessionCheckpoints } from '@/lib/checkpoints/state';
import { getDb } from '@/lib/db/client';
import { loadCheckpointPage, MESSAGES_PAGE } from '@/lib/pages/sessions';
import { getSession, getSessionSummary, isUuid } from '@/lib/sessions/queries';
import { formatBytes, formatDateTime } from '@/lib/ui/format';
import { CheckpointCompare } from '../../../_components/checkpoint-compare';
import { ConversationView } from '../../../_components/conversation-view';
import { InvalidateButton } from '../../../_components/invalidate-dialog';
import { RestoreButton } from '../../../_components/restore-dialog';

export const metadata: Metadata = { title: 'Checkpoint' };

type Search = { from?: string; view?: string; message?: string };

const int = (v: string | undefined) => (v && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

export default async function CheckpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; checkpointId: string }>;
  searchParams: Promise<Search>;
}) {
  const user = await requirePageUser('console:read');
  const [{ id, checkpointId }, sp] = await Promise.all([params, searchParams]);
  if (!isUuid(id) || !isUuid(checkpointId)) notFound();
  const db = await getDb();
  const view = sp.view === 'added' ? 'added' : 'all';
  const messageIndex = int(sp.message);
  const [data, session, summary, single, all] = await Promise.all([
    loadCheckpointPage(db, { sessionId: id, checkpointId, from: int(sp.from), view }),
    getSession(db, { id }),
    getSessionSummary(db, { sessionId: id }),
    messageIndex !== undefined ? listCheckpointMessages(db, { checkpointId, offset: messageIndex, limit: 1 }) : null,
    listSessionCheckpoints(db, { sessionId: id, limit: 1000 }),
  ]);
  if (!data || !session) notFound();
  const { checkpoint: c, diff, window } = data;
  const baseHref = `/sessions/${id}/checkpoints/${checkpointId}`;
  const finished = session.status === 'completed' || session.status === 'aborted';
  const canRestore = can(user.role, 'interventions:restore') && !finished && c.isValid;
  const restoreBlockedReason = summary.recoveryInProgress
    ? `A recovery is in progress (started by ${summary.recoveryInProgress.initiatedBy ?? 'unknown'})`
    : null;
  const windowEnd = window.offset + window.messages.length;
  const page = (from: number) => `${baseHref}?${new URLSearchParams({ ...(view === 'added' ? { view } : {}), from: String(from) })}`;
  const metrics = Object.entries(c.metricsSnapshot);
  const forkedFrom = c.forkedFrom ? (all ?? []).find((o) => o.id === c.forkedFrom) : undefined;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/sessions/${id}`} className="text-indigo-700 hover:underline">
          ← {session.project} · {session.agentName}
        </Link>
      </p>
      <PageHeader
        title={`Checkpoint #${c.sequence}`}
        description={`${c.checkpointType.replace(/_/g, ' ')} · created ${formatDateTime(c.createdAt)}${c.createdBy ? ` by ${c.createdBy}` : ''}${c.forkedFrom ? ` · forked from #${forkedFrom?.sequence ?? '?'}` : ''}`}
        actions={
          <>
            {c.isValid ? <Badge tone="green">valid</Badge> : <Badge tone="red">invalid</Badge>}
            {canRestore && (
              <RestoreButton
                size="md"
                hasOpenPause={Boolean(summary.openPauseId)}
                blockedReason={restoreBlockedReason}
                target={{ sessionId: id, checkpointId: c.id, sequence: c.sequence, currentTaskId: c.currentTaskId, messageCount: c.messageCount }}
              />
            )}
            {canRestore && (
              <Link href={`${baseHref}/edit`} className="rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
                Edit state and restore
              </Link>
            )}
            {c.isValid && can(user.role, 'checkpoints:invalidate') && <InvalidateButton sessionId={id} checkpointId={c.id} sequence={c.sequence} />}
          </>
        }
      />
      {!c.isValid && (
        <p role="status" className="mb-4 rounded-lg bg-red-50 px-4 py-2 text-sm text-red-800">
          Invalidated {formatDateTime(c.invalidatedAt)}: {c.invalidationReason}. It cannot be restored.
        </p>
      )}
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Task" value={<span className="text-base">{c.currentTaskId ?? '—'}</span>} hint={`type ${c.checkpointType.replace(/_/g, ' ')}`} />
        <Stat label="Messages" value={c.messageCount} hint={diff.previous ? `+${diff.messagesAdded} since #${diff.previous.sequence}` : 'first checkpoint'} />
        <Stat label="Completed tasks" value={c.completedTasks.length} hint={diff.tasksAdded.length ? `+${diff.tasksAdded.length} since previous` : 'none added'} />
        <Stat label="Size" value={formatBytes(c.sizeBytes)} hint={c.contentHash ? `sha256 ${c.contentHash.slice(0, 12)}…` : undefined} />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          {single ? (
            <Card title={`Message #${(messageIndex ?? 0) + 1} of ${single.total}`} action={<Link href={baseHref} className="text-sm text-indigo-700 hover:underline">Back to the conversation</Link>}>
              {single.messages.length ? (
                <ConversationView messages={single.messages} offset={messageIndex ?? 0} baseHref={baseHref} full />
              ) : (
                <EmptyState title="No such message" />
              )}
            </Card>
          ) : (
            <Card
              title={view === 'added' ? `Messages added since #${diff.previous?.sequence ?? '—'}` : 'Conversation'}
              action={
                <span className="text-xs text-slate-500">
                  {window.messages.length ? `${window.offset + 1}–${windowEnd}` : '0'} of {window.total}
                </span>
              }
            >
              <div className="mb-3 flex gap-3 text-sm">
                <Link href={baseHref} className={view === 'all' ? 'font-semibold text-slate-900' : 'text-indigo-700 hover:underline'}>
                  Whole conversation
                </Link>
                {diff.previous && (
                  <Link href={`${baseHref}?view=added`} className={view === 'added' ? 'font-semibold text-slate-900' : 'text-indigo-700 hover:underline'}>
                    Only the {Math.max(diff.messagesAdded, 0)} new messages
                  </Link>
                )}
              </div>
              {window.messages.length === 0 ? (
                <EmptyState title="No messages in this window" />
              ) : (
                <ConversationView messages={window.messages} offset={window.offset} baseHref={baseHref} />
              )}
              <div className="mt-3 flex justify-between text-sm">
                {window.offset > (view === 'added' ? data.addedFrom : 0) ? (
                  <Link href={page(Math.max(window.offset - MESSAGES_PAGE, view === 'added' ? data.addedFrom : 0))} className="font-medium text-indigo-700 hover:underline">
                    ← Previous {MESSAGES_PAGE}
                  </Link>
                ) : (
                  <span />
                )}
                {windowEnd < window.total && (
                  <Link href={page(windowEnd)} className="font-medium text-indigo-700 hover:underline">
                    Show more ({window.total - windowEnd} left) →
                  </Link>
                )}
              </div>
            </Card>
          )}
        </div>
        <div className="space-y-4">
          <Card title={`Compare #${c.sequence}`}>
            <CheckpointCompare sessionId={id} checkpointId={c.id} others={(all ?? []).filter((o) => o.id !== c.id).map((o) => ({ id: o.id, sequence: o.sequence }))} />
          </Card>
          <Card title={diff.previous ? `Changes since #${diff.previous.sequence}` : 'Changes'}>
            {diff.previous ? (
              <div className="space-y-2 text-sm">
                <p>
                  {diff.messagesAdded >= 0
                    ? `${diff.messagesAdded} messages added`
                    : `${-diff.messagesAdded} fewer messages (the history was rewritten, e.g. after a restore)`}
                </p>
                <div>
                  <div className="text-xs text-slate-500">Tasks completed since</div>
                  {diff.tasksAdded.length ? (
                    <ul className="list-inside list-disc">
                      {diff.tasksAdded.map((t) => (
                        <li key={t}>{t}</li>
                      ))}
                    </ul>
                  ) : (
                    <p className="text-slate-500">none</p>
                  )}
                </div>
                {diff.tasksRemoved.length > 0 && (
                  <p className="text-amber-800">No longer completed: {diff.tasksRemoved.join(', ')}</p>
                )}
                <Link href={`/sessions/${id}/checkpoints/${diff.previous.id}`} className="text-indigo-700 hover:underline">
                  Open #{diff.previous.sequence}
                </Link>
              </div>
            ) : (
              <p className="text-sm text-slate-500">This is the session&apos;s first checkpoint.</p>
            )}
          </Card>
          <Card title="Completed tasks">
            {c.completedTasks.length ? (
              <ol className="list-inside list-decimal text-sm">
                {c.completedTasks.map((t, i) => (
                  <li key={`${t}-${i}`}>{t}</li>
                ))}
              </ol>
            ) : (
              <p className="text-sm text-slate-500">None yet.</p>
            )}
          </Card>
          <Card title="Metrics snapshot">
            {metrics.length ? (
              <pre className="overflow-auto text-xs">{JSON.stringify(c.metricsSnapshot, null, 2)}</pre>
            ) : (
              <p className="text-sm text-slate-500">No metrics.</p>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
