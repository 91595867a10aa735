import type { Metadata } from 'next';
import Link from 'next/link';
import { LiveRefresh } from '@/components/live/live-refresh';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getReadDb } from '@/lib/db/replica';
import { pauseTypes, resolutions } from '@/lib/db/schema/enums';
import { decodeCursor, listInterventionHistory } from '@/lib/interventions/queries';
import { firstValues, historyFilterSchema } from '@/lib/interventions/schemas';
import { FilterForm, FilterSelect } from '../_components/filter-form';
import { HistoryTable } from '../_components/history-table';

export const metadata: Metadata = { title: 'Intervention history' };

const PAGE_SIZE = 50;

export default async function InterventionHistoryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageUser('console:read');
  const params = firstValues(await searchParams);
  const filter = historyFilterSchema.parse(params);
  const cursor = decodeCursor(params.cursor);
  const page = await listInterventionHistory(await getReadDb(), { ...filter, cursor, limit: PAGE_SIZE });
  const base = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])));
  const next = new URLSearchParams(base);
  if (page.nextCursor) next.set('cursor', page.nextCursor);
  const input = 'mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800';
  return (
    <>
      <PageHeader
        title="Intervention history"
        description="Every pause, who resolved it and how long it took, newest first."
        actions={
          <>
            <LiveRefresh />
            <a href={`/interventions/export?${base}`} className="text-sm font-medium text-indigo-700 hover:underline" download>
              Export CSV
            </a>
            <Link href="/interventions" className="text-sm font-medium text-indigo-700 hover:underline">
              ← Active
            </Link>
          </>
        }
      />
      <FilterForm action="/interventions/history">
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Project
          <input name="project" defaultValue={filter.project ?? ''} className={input} />
        </label>
        <FilterSelect name="type" label="Pause type" value={filter.type} options={pauseTypes.map((t) => ({ value: t, label: t.replace(/_/g, ' ') }))} />
        <FilterSelect
          name="resolution"
          label="Outcome"
          value={filter.resolution}
          options={[...resolutions, 'open'].map((r) => ({ value: r, label: r }))}
        />
        <label className="flex flex-col text-xs font-medium text-slate-600">
          From
          <input type="date" name="from" defaultValue={filter.from ?? ''} className={input} />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-600">
          To
          <input type="date" name="to" defaultValue={filter.to ?? ''} className={input} />
        </label>
      </FilterForm>
      <Card title="Pauses">
        {page.rows.length === 0 ? (
          <EmptyState title="No pauses match">Every pause and how it was resolved will be listed here.</EmptyState>
        ) : (
          <HistoryTable rows={page.rows} />
        )}
        <nav aria-label="Pagination" className="mt-3 flex gap-4 text-sm">
          {cursor && (
            <Link href={`/interventions/history?${base}`} className="text-indigo-700 hover:underline">
              ← Newest
            </Link>
          )}
          {page.nextCursor && (
            <Link href={`/interventions/history?${next}`} className="text-indigo-700 hover:underline">
              Older →
            </Link>
          )}
        </nav>
      </Card>
    </>
  );
}
