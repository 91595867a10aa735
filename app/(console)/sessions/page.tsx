import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getReadDb } from '@/lib/db/replica';
import { sessionStatuses, type SessionStatus } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import { decodeCursor, isHeartbeatStale, listSessions } from '@/lib/sessions/queries';
import { formatDateTime, shortId } from '@/lib/ui/format';
import { formatAgoSeconds } from '@/lib/format/time';

export const metadata: Metadata = { title: 'Sessions' };

type Search = { status?: string; project?: string; agent?: string; q?: string; after?: string };

const clean = (v: string | undefined, max = 200) => (v?.trim() ? v.trim().slice(0, max) : undefined);

export default async function SessionsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageUser('console:read');
  const sp = await searchParams;
  const status = (sessionStatuses as readonly string[]).includes(sp.status ?? '') ? (sp.status as SessionStatus) : undefined;
  const project = clean(sp.project);
  const agentName = clean(sp.agent);
  const search = clean(sp.q, 300);
  const db = await getReadDb();
  const { rows, nextCursor } = await listSessions(db, { status, project, agentName, search, cursor: decodeCursor(sp.after), limit: 50 });
  const staleAfterS = env().HEARTBEAT_STALE_S;
  const filters = Object.fromEntries(
    Object.entries({ status, project, agent: agentName, q: search }).filter((e): e is [string, string] => Boolean(e[1])),
  );
  return (
    <>
      <PageHeader title="Sessions" description="Agent runs, newest first." />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm" role="search" aria-label="Filter sessions">
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Search</span>
          <input
            name="q"
            defaultValue={search}
            placeholder="session id, external id or correlation id"
            className="w-80 rounded-md border border-slate-300 px-2 py-1.5"
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Status</span>
          <select name="status" defaultValue={status ?? ''} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="">all</option>
            {sessionStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Project</span>
          <input name="project" defaultValue={project} className="w-40 rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-500">Agent</span>
          <input name="agent" defaultValue={agentName} className="w-40 rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">
          Apply
        </button>
        {Object.keys(filters).length > 0 && (
          <Link href="/sessions" className="py-1.5 text-slate-600 hover:underline">
            Clear
          </Link>
        )}
      </form>
      <Card>
        {rows.length === 0 ? (
          <EmptyState title={Object.keys(filters).length ? 'No session matches' : 'No sessions'}>
            {Object.keys(filters).length ? (
              <>Search is exact: paste a whole session id, external id or correlation id.</>
            ) : (
              <>
                Sessions appear when agents register through the API (POST /api/v1/sessions) — run <code>npm run simulate</code> to start a
                fleet of simulated agents.
              </>
            )}
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
                <Th className="text-right">Checkpoints</Th>
                <Th className="text-right">Pauses</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((s) => {
                const stale = isHeartbeatStale(s, staleAfterS);
                return (
                  <Tr key={s.id}>
                    <Td>
                      {/* A plain link, not next/link: 50 client components per page cost server CPU on every view (issue 18). */}
                      <a href={`/sessions/${s.id}`} className="font-mono text-xs font-medium text-indigo-700 hover:underline" aria-label={`Session ${s.id}`}>
                        {shortId(s.id)}
                      </a>
                      {s.externalId && (
                        <div className="max-w-[10rem] truncate text-xs text-slate-500" title={s.externalId}>
                          {s.externalId}
                        </div>
                      )}
                    </Td>
                    <Td>
                      <StatusBadge status={s.status} />
                    </Td>
                    {/* Wrapping text (not nowrap truncation) lets the table shrink these columns to fit its container. */}
                    <Td>
                      <div className="max-w-[14rem] wrap-anywhere">{s.project}</div>
                      <div className="max-w-[14rem] text-xs text-slate-500 wrap-anywhere">{s.agentName}</div>
                    </Td>
                    <Td className="text-xs">
                      <div className="line-clamp-2 max-w-xs wrap-anywhere" title={s.currentTask ?? undefined}>
                        {s.currentTask ?? '—'}
                      </div>
                    </Td>
                    <Td className="whitespace-nowrap text-xs">{formatDateTime(s.startedAt)}</Td>
                    <Td className={stale ? 'whitespace-nowrap text-xs font-medium text-red-700' : 'whitespace-nowrap text-xs'}>
                      {formatAgoSeconds(s.heartbeatAgeS)}{stale ? ' · stale' : ''}
                    </Td>
                    <Td className="text-right tabular-nums">{s.checkpointCount}</Td>
                    <Td className="text-right tabular-nums">{s.pauseCount}</Td>
                  </Tr>
                );
              })}
            </tbody>
          </Table>
        )}
        <div className="mt-4 flex justify-between text-sm">
          {sp.after ? (
            <Link href={`/sessions?${new URLSearchParams(filters)}`} className="font-medium text-indigo-700 hover:underline">
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {nextCursor && (
            <Link href={`/sessions?${new URLSearchParams({ ...filters, after: nextCursor })}`} className="font-medium text-indigo-700 hover:underline">
              Older sessions →
            </Link>
          )}
        </div>
      </Card>
    </>
  );
}
