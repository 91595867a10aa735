import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { listRecoveries } from '@/lib/checkpoints/queries';
import { getDb } from '@/lib/db/client';
import { formatDateTime, formatDuration, shortId } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Recoveries' };

export default async function RecoveriesPage() {
  await requirePageUser('console:read');
  const rows = await listRecoveries(await getDb(), { limit: 100 });
  return (
    <>
      <PageHeader title="Recoveries" description="Restores from checkpoints and how they ended." />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="No recoveries yet">
            A recovery starts when someone restores a session from a checkpoint (Interventions or a session&apos;s timeline).
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Session</Th>
                <Th>Checkpoint</Th>
                <Th>Method</Th>
                <Th>Status</Th>
                <Th>Duration</Th>
                <Th>By</Th>
                <Th>Error</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <Tr key={r.id}>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(r.started_at)}</Td>
                  <Td>
                    <Link href={`/sessions/${r.session_id}`} className="text-indigo-700 hover:underline">
                      {r.project} · {shortId(r.session_id)}
                    </Link>
                  </Td>
                  <Td className="tabular-nums">#{r.checkpoint_sequence}</Td>
                  <Td>{r.recovery_method}</Td>
                  <Td>
                    <StatusBadge status={r.recovery_status} />
                  </Td>
                  <Td className="tabular-nums">{formatDuration(r.recovery_duration_seconds === null ? null : Number(r.recovery_duration_seconds))}</Td>
                  <Td className="text-xs">{r.initiated_by ?? '—'}</Td>
                  <Td className="max-w-xs truncate font-mono text-xs text-red-700">{r.error ?? ''}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
