import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { listActiveInterventions, listInterventionHistory } from '@/lib/interventions/queries';
import { formatAge, formatDateTime, formatDuration, shortId } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Interventions' };

export default async function InterventionsPage() {
  await requirePageUser('console:read');
  const db = await getDb();
  const [active, history] = await Promise.all([listActiveInterventions(db), listInterventionHistory(db, { limit: 30 })]);
  return (
    <>
      <PageHeader title="Interventions" description="Paused sessions waiting for a person, oldest first." />
      <Card title={`Active (${active.length})`}>
        {active.length === 0 ? (
          <EmptyState title="Nothing needs you right now">
            When an agent hits a retry limit, a blocker or an error it pauses, and the pause appears here with its reason and
            last error.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Age</Th>
                <Th>Project / agent</Th>
                <Th>Type</Th>
                <Th>Reason</Th>
                <Th>Task</Th>
                <Th>Last error</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {active.map((a) => (
                <Tr key={a.id}>
                  <Td className="whitespace-nowrap tabular-nums">{formatAge(a.paused_at)}</Td>
                  <Td>
                    <Link href={`/sessions/${a.session_id}`} className="font-medium text-indigo-700 hover:underline">
                      {a.project}
                    </Link>
                    <div className="text-xs text-slate-500">{a.agent_name}</div>
                  </Td>
                  <Td>
                    <Badge tone="amber">{a.pause_type.replace('_', ' ')}</Badge>
                  </Td>
                  <Td>{a.reason}</Td>
                  <Td className="text-xs">{a.current_task ?? '—'}</Td>
                  <Td className="max-w-xs truncate font-mono text-xs text-red-700">{a.last_error ?? '—'}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <Card title="History" className="mt-6">
        {history.length === 0 ? (
          <EmptyState title="No pauses yet">Every pause and how it was resolved will be listed here.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Paused</Th>
                <Th>Session</Th>
                <Th>Type</Th>
                <Th>Outcome</Th>
                <Th>By</Th>
                <Th>Time to resolve</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.map((h) => (
                <Tr key={h.id}>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(h.paused_at)}</Td>
                  <Td>
                    <Link href={`/sessions/${h.session_id}`} className="text-indigo-700 hover:underline">
                      {h.project} · {shortId(h.session_id)}
                    </Link>
                  </Td>
                  <Td>{h.pause_type.replace('_', ' ')}</Td>
                  <Td>{h.resolution ? <StatusBadge status={h.resolution} /> : <Badge tone="amber">open</Badge>}</Td>
                  <Td className="text-xs">{h.resolved_by ?? '—'}</Td>
                  <Td className="tabular-nums">{formatDuration(h.resolution_seconds)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
