import type { Metadata } from 'next';
import Link from 'next/link';
import { LiveRefresh } from '@/components/live/live-refresh';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { pauseTypes } from '@/lib/db/schema/enums';
import { loadInterventionsPage } from '@/lib/pages/interventions';
import { decodeCursor } from '@/lib/interventions/queries';
import { activeFilterSchema, firstValues } from '@/lib/interventions/schemas';
import { ActiveTable } from './_components/active-table';
import { toActiveRow } from './_components/active-rows';
import { FilterForm, FilterSelect } from './_components/filter-form';

export const metadata: Metadata = { title: 'Interventions' };

const PAGE_SIZE = 50;

/** The ages' "now", handed to the client table so its first render matches this HTML (React #418 otherwise). */
const serverNow = () => Date.now();

export default async function InterventionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser('console:read');
  const params = firstValues(await searchParams);
  const filter = activeFilterSchema.parse(params);
  const cursor = decodeCursor(params.cursor);
  const db = await getDb();
  const renderedAt = serverNow();
  const { page, total, projects } = await loadInterventionsPage(db, { filter, cursor, limit: PAGE_SIZE });
  const perms = {
    resume: can(user.role, 'interventions:resume'),
    abort: can(user.role, 'interventions:abort'),
    restore: can(user.role, 'interventions:restore'),
    note: can(user.role, 'interventions:note'),
    assign: can(user.role, 'interventions:assign'),
  };
  const qs = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])));
  const filtered = qs.size > 0;
  if (page.nextCursor) qs.set('cursor', page.nextCursor);

  return (
    <>
      <PageHeader
        title="Interventions"
        description="Paused sessions waiting for a person, oldest first or by escalation deadline."
        actions={
          <>
            <LiveRefresh />
            <Link href="/interventions/history" className="text-sm font-medium text-indigo-700 hover:underline">
              History →
            </Link>
          </>
        }
      />
      <FilterForm action="/interventions">
        <FilterSelect
          name="project"
          label="Project"
          value={filter.project}
          options={projects.map((p) => ({ value: p.project, label: `${p.project} (${p.n})` }))}
        />
        <FilterSelect name="type" label="Pause type" value={filter.type} options={pauseTypes.map((t) => ({ value: t, label: t.replace(/_/g, ' ') }))} />
        <FilterSelect
          name="age"
          label="Waiting longer than"
          value={filter.age}
          options={[
            { value: '15m', label: '15 minutes' },
            { value: '1h', label: '1 hour' },
            { value: '4h', label: '4 hours' },
            { value: '24h', label: '24 hours' },
          ]}
        />
        <FilterSelect
          name="sort"
          label="Order"
          value={filter.sort}
          emptyLabel="Oldest first"
          options={[{ value: 'deadline', label: 'Nearest deadline first' }]}
        />
        {filtered && (
          <Link href="/interventions" className="pb-2 text-sm text-slate-500 hover:underline">
            Clear filters
          </Link>
        )}
      </FilterForm>
      <Card title={`Active (${total})`}>
        {/* The table stays mounted when the last row goes, so a bulk run's per-item results remain readable. */}
        <ActiveTable
          rows={page.rows.map(toActiveRow)}
          total={total}
          filter={filter}
          perms={perms}
          me={user.email}
          renderedAt={renderedAt}
          empty={
            <EmptyState title={filtered ? 'No open pause matches these filters' : 'Nothing needs you right now'}>
              When an agent hits a retry limit, a blocker or an error it pauses, and the pause appears here with its reason and
              last error.
            </EmptyState>
          }
        />
        <nav aria-label="Pagination" className="mt-3 flex gap-4 text-sm">
          {cursor && (
            <Link href={`/interventions?${new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])))}`} className="text-indigo-700 hover:underline">
              ← Oldest
            </Link>
          )}
          {page.nextCursor && (
            <Link href={`/interventions?${qs}`} className="text-indigo-700 hover:underline">
              Next {PAGE_SIZE} →
            </Link>
          )}
        </nav>
      </Card>
    </>
  );
}
