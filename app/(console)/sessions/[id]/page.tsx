import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { getSession, listSessionCheckpoints, listSessionEvents } from '@/lib/sessions/queries';
import { formatBytes, formatDateTime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Session' };

export default async function SessionDetailPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser('console:read');
  const { id } = await params;
  const db = await getDb();
  const session = await getSession(db, { id });
  if (!session) notFound();
  const [events, checkpoints] = await Promise.all([
    listSessionEvents(db, { sessionId: id }),
    listSessionCheckpoints(db, { sessionId: id }),
  ]);
  return (
    <>
      <PageHeader title={`${session.project} · ${session.agentName}`} description={`Session ${session.id}`} actions={<StatusBadge status={session.status} />} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Timeline" className="lg:col-span-2">
          {events.length === 0 ? (
            <EmptyState title="No events yet">Events the agent reports and every state change appear here in order.</EmptyState>
          ) : (
            <ol className="space-y-2">
              {events.map((e) => (
                <li key={e.id} className="flex gap-3 text-sm">
                  <span className="w-40 shrink-0 text-xs text-slate-500">{formatDateTime(e.createdAt)}</span>
                  <span className="font-medium">{e.eventType.replace(/_/g, ' ')}</span>
                  {typeof e.metadata.actor_id === 'string' && <span className="text-xs text-slate-500">by {e.metadata.actor_id}</span>}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Details">
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-xs text-slate-500">Current task</dt>
              <dd>{session.currentTask ?? '—'}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Started</dt>
              <dd>{formatDateTime(session.startedAt)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Last heartbeat</dt>
              <dd>{formatDateTime(session.lastHeartbeatAt)}</dd>
            </div>
            {session.error && (
              <div>
                <dt className="text-xs text-slate-500">Error</dt>
                <dd className="font-mono text-xs text-red-700">{session.error}</dd>
              </div>
            )}
          </dl>
        </Card>
      </div>
      <Card title={`Checkpoints (${checkpoints.length})`} className="mt-6">
        {checkpoints.length === 0 ? (
          <EmptyState title="No checkpoints">The agent saves checkpoints after tasks; they are what a restore rewinds to.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>#</Th>
                <Th>Type</Th>
                <Th>Task</Th>
                <Th>Messages</Th>
                <Th>Size</Th>
                <Th>Created</Th>
                <Th>Valid</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {checkpoints.map((c) => (
                <Tr key={c.id}>
                  <Td className="tabular-nums">{c.sequence}</Td>
                  <Td>{c.checkpointType.replace(/_/g, ' ')}</Td>
                  <Td className="text-xs">{c.currentTaskId ?? '—'}</Td>
                  <Td className="tabular-nums">{c.messageCount}</Td>
                  <Td className="tabular-nums">{formatBytes(c.sizeBytes)}</Td>
                  <Td className="text-xs">{formatDateTime(c.createdAt)}</Td>
                  <Td>{c.isValid ? <Badge tone="green">valid</Badge> : <Badge tone="red" className="max-w-xs truncate">invalid: {c.invalidationReason}</Badge>}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
