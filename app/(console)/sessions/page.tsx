import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { sessionStatuses, type SessionStatus } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import { decodeCursor, listSessions } from '@/lib/sessions/queries';
import { formatDateTime, formatDuration, shortId } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Sessions' };

export default async function SessionsPage({ searchParams }: { searchParams: Promise<{ status?: string; after?: string }> }) {
  await requirePageUser('console:read');
  const sp = await searchParams;
  const status = (sessionStatuses as readonly string[]).includes(sp.status ?? '') ? (sp.status as SessionStatus) : undefined;
  const db = await getDb();
  const { rows, nextCursor } = await listSessions(db, { status, cursor: decodeCursor(sp.after), limit: 50 });
  const staleAfterS = env().HEARTBEAT_STALE_S;
  return (
    <>
      <PageHeader title="Sessions" description="Agent runs, newest first." />
      <div className="mb-4 flex flex-wrap gap-2 text-sm" role="group" aria-label="Filter by status">
        <Link href="/sessions" className={!status ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:underline'}>
          all
        </Link>
        {sessionStatuses.map((s) => (
          <Link key={s} href={`/sessions?status=${s}`} className={status === s ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:underline'}>
            {s}
          </Link>
        ))}
      </div>
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="No sessions">
            Sessions appear when agents register through the API (POST /api/v1/sessions) — run <code>npm run simulate</code> to
            start a fleet of simulated agents.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Session</Th>
                <Th>Status</Th>
                <Th>Project / agent</Th>
                <Th>Current task</Th>
                <Th>Started</Th>
                <Th>Heartbeat</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((s) => {
                const live = s.status === 'running' || s.status === 'recovering';
                const stale = live && s.heartbeatAgeS > staleAfterS;
                return (
                  <Tr key={s.id}>
                    <Td>
                      <Link href={`/sessions/${s.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                        {shortId(s.id)}
                      </Link>
                      {s.externalId && <div className="max-w-[10rem] truncate text-xs text-slate-400">{s.externalId}</div>}
                    </Td>
                    <Td>
                      <StatusBadge status={s.status} />
                    </Td>
                    <Td>
                      {s.project}
                      <div className="text-xs text-slate-500">{s.agentName}</div>
                    </Td>
                    <Td className="max-w-xs truncate text-xs">{s.currentTask ?? '—'}</Td>
                    <Td className="whitespace-nowrap text-xs">{formatDateTime(s.startedAt)}</Td>
                    <Td className={stale ? 'whitespace-nowrap text-xs font-medium text-red-700' : 'whitespace-nowrap text-xs'}>
                      {formatDuration(s.heartbeatAgeS)} ago{stale ? ' · stale' : ''}
                    </Td>
                  </Tr>
                );
              })}
            </tbody>
          </Table>
        )}
        {nextCursor && (
          <div className="mt-4 text-right">
            <Link
              href={`/sessions?${new URLSearchParams({ ...(status ? { status } : {}), after: nextCursor })}`}
              className="text-sm font-medium text-indigo-700 hover:underline"
            >
              Older sessions →
            </Link>
          </div>
        )}
      </Card>
    </>
  );
}
