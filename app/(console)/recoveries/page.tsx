import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Clipped } from '@/components/ui/clipped';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { parseTimeRange } from '@/lib/analytics/range';
import { requirePageUser } from '@/lib/auth/guards';
import { listRecoveries, listRecoveryFailures } from '@/lib/checkpoints/queries';
import { decodeRecoveryCursor } from '@/lib/checkpoints/recovery-queries';
import { getReadDb } from '@/lib/db/replica';
import { recoveryStatuses, type RecoveryStatus } from '@/lib/db/schema/enums';
import { formatDateTime, formatDuration, shortId } from '@/lib/ui/format';
import { FiguresAsOf } from '../_components/figures-as-of';
import { pickerDays, RangeNotice } from '../overview/_components/range-notice';
import { TimeRangePicker } from '../overview/_components/time-range-picker';
import { loadOrError } from './_components/widget-error';
import { MethodStatsCards } from './_components/method-stats-cards';
import { RecoveryTrendCards } from './_components/recovery-trend-cards';

export const metadata: Metadata = { title: 'Recoveries' };

const presets = ['7d', '30d', '90d'] as const;

function Skeleton({ h }: { h: string }) {
  return <div className={`${h} animate-pulse rounded-xl bg-slate-100`} aria-hidden />;
}

async function Failures() {
  const rows = await loadOrError(async () => listRecoveryFailures(await getReadDb(), { limit: 10 }));
  if (!Array.isArray(rows)) return rows;
  return (
    <Card title="Latest failures">
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No failed or abandoned recovery.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {rows.map((r) => (
            <li key={r.id} className="py-2">
              <div className="flex items-center gap-2">
                <StatusBadge status={r.recovery_status} />
                <a href={`/sessions/${r.session_id}`} className="text-indigo-700 hover:underline">
                  {r.project} · {shortId(r.session_id)}
                </a>
                <span className="text-xs text-slate-500">#{r.checkpoint_sequence} · {formatDateTime(r.started_at)}</span>
              </div>
              <p className="mt-1 break-words font-mono text-xs text-red-700">{r.error ?? 'no error reported'}</p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

type SearchParams = Promise<{ range?: string; from?: string; to?: string; status?: string; after?: string }>;

export default async function RecoveriesPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageUser('console:read');
  const sp = await searchParams;
  // The same picker (and URL) as Overview and Tools, with 90 days and a custom span; 30 days unless asked.
  const range = parseTimeRange(sp, new Date(), '30d');
  const rangeParams = range.key === '30d' ? {} : Object.fromEntries(new URLSearchParams(range.query));
  const status = (recoveryStatuses as readonly string[]).includes(sp.status ?? '') ? (sp.status as RecoveryStatus) : undefined;
  const { rows, nextCursor } = await listRecoveries(await getReadDb(), { limit: 50, status, cursor: decodeRecoveryCursor(sp.after) });
  const qs = (extra: Record<string, string>) =>
    `/recoveries?${new URLSearchParams({ ...rangeParams, ...(status ? { status } : {}), ...extra })}`;
  return (
    <>
      <PageHeader
        title="Recoveries"
        description="Restores from checkpoints and how they ended."
        actions={<TimeRangePicker {...pickerDays(range)} presets={presets} />}
      />
      <RangeNotice range={range} />
      {/* The stat cards and trends read the recovery roll-up; the latest failures and the history read live rows. */}
      <FiguresAsOf />
      <div className="space-y-4">
        <Suspense key={`m-${range.query}`} fallback={<Skeleton h="h-24" />}>
          <MethodStatsCards range={range} />
        </Suspense>
        <Suspense key={`t-${range.query}`} fallback={<Skeleton h="h-72" />}>
          <RecoveryTrendCards range={range} />
        </Suspense>
        <Suspense fallback={<Skeleton h="h-40" />}>
          <Failures />
        </Suspense>
        <Card
          title="History"
          action={
            <div className="flex items-center gap-3">
            <a
              href={`/recoveries/export?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(range.query)), ...(status ? { status } : {}) })}`}
              download
              aria-label="Download recovery history as CSV"
              className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-50"
            >
              CSV
            </a>
            <div className="flex gap-2 text-xs" role="group" aria-label="Filter by status">
              <Link href={`/recoveries?${new URLSearchParams(rangeParams)}`} className={!status ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:underline'}>
                all
              </Link>
              {recoveryStatuses.map((s) => (
                <Link
                  key={s}
                  href={`/recoveries?${new URLSearchParams({ ...rangeParams, status: s })}`}
                  className={status === s ? 'font-semibold text-indigo-700' : 'text-slate-600 hover:underline'}
                >
                  {s.replace('_', ' ')}
                </Link>
              ))}
            </div>
            </div>
          }
        >
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
                      {/* Plain links in the rows, not next/link: 100 client components per view cost server CPU (issue 18). */}
                      <a href={`/sessions/${r.session_id}`} className="text-indigo-700 hover:underline">
                        {r.project} · {shortId(r.session_id)}
                      </a>
                    </Td>
                    <Td className="tabular-nums">
                      <a href={`/sessions/${r.session_id}/checkpoints/${r.checkpoint_id}`} className="hover:underline">
                        #{r.checkpoint_sequence}
                      </a>
                    </Td>
                    <Td>{r.recovery_method}</Td>
                    <Td>
                      <StatusBadge status={r.recovery_status} />
                    </Td>
                    <Td className="tabular-nums">{formatDuration(r.recovery_duration_seconds === null ? null : Number(r.recovery_duration_seconds))}</Td>
                    <Td className="text-xs">{r.initiated_by ?? '—'}</Td>
                    {/* Two wrapped lines, the whole text on hover: the column shrinks to fit instead of widening the table. */}
                    <Td className="font-mono text-xs text-red-700">
                      {r.error && <Clipped className="line-clamp-2 max-w-xs wrap-anywhere" text={r.error} max={120} />}
                    </Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          )}
          <div className="mt-3 flex justify-between text-sm">
            {sp.after ? (
              <Link href={qs({})} className="font-medium text-indigo-700 hover:underline">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {nextCursor && (
              <Link href={qs({ after: nextCursor })} className="font-medium text-indigo-700 hover:underline">
                Older →
              </Link>
            )}
          </div>
        </Card>
      </div>
    </>
  );
}
