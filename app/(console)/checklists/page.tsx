import type { Metadata } from 'next';
import { clsx } from 'clsx';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { listChecklists } from '@/lib/checklists/queries';
import { AppError } from '@/lib/errors';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { formatDateTime } from '@/lib/ui/format';
import { ChecklistStatusBadge, SignedRoles } from './_components/checklist-badges';
import { ProgressBar } from './_components/progress-bar';
import { ReleasesByEnvironment } from './_components/releases-by-environment';
import { listReleasesByEnvironment } from '@/lib/checklists/releases';
import { getDb } from '@/lib/db/client';

export const metadata: Metadata = { title: 'Checklists' };

const PAGE_SIZE = 25;

const linkButton =
  'inline-flex items-center justify-center gap-1.5 rounded-md px-3.5 py-2 text-sm font-medium transition-colors';

export default async function ChecklistsPage({
  searchParams,
}: {
  searchParams: Promise<{ tab?: string; cursor?: string }>;
}) {
  const user = await requirePageUser('console:read');
  const { tab, cursor } = await searchParams;
  const templates = tab === 'templates';
  const releases = tab === 'releases' ? await listReleasesByEnvironment(await getDb()) : null;
  let page: Awaited<ReturnType<typeof listChecklists>>;
  let badCursor = false;
  try {
    page = await listChecklists(await getDb(), { templates, cursor, limit: PAGE_SIZE });
  } catch (err) {
    // A hand-edited or stale cursor: start from the newest instead of failing the page.
    if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
    badCursor = true;
    page = await listChecklists(await getDb(), { templates, limit: PAGE_SIZE });
  }
  const mayCreate = can(user.role, 'checklists:create');
  const base = templates ? '/checklists?tab=templates' : '/checklists';

  return (
    <>
      <PageHeader
        title="Checklists"
        description="Deployment checklists, ticked by the team and signed off by role."
        actions={
          mayCreate && (
            <>
              <Link href="/checklists/new" className={clsx(linkButton, 'border border-slate-300 bg-white text-slate-700 hover:bg-slate-50')}>
                New from template
              </Link>
              <Link href="/checklists/import" className={clsx(linkButton, 'bg-indigo-600 text-white hover:bg-indigo-700')}>
                Import Markdown
              </Link>
            </>
          )
        }
      />
      <nav aria-label="Checklist kinds" className="mb-4 flex gap-1 border-b border-slate-200">
        {[
          { href: '/checklists', label: 'Checklists', active: !templates && !releases },
          { href: '/checklists?tab=releases', label: 'Releases', active: !!releases },
          { href: '/checklists?tab=templates', label: 'Templates', active: templates },
        ].map((t) => (
          <Link
            key={t.href}
            href={t.href}
            aria-current={t.active ? 'page' : undefined}
            className={clsx(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
              t.active ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:text-slate-800',
            )}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {badCursor && (
        <p role="status" className="mb-3 text-sm text-amber-700">
          That page link is no longer valid; showing the newest instead.
        </p>
      )}
      {releases ? (
        <ReleasesByEnvironment groups={releases} />
      ) : (
      <Card>
        {page.rows.length === 0 ? (
          templates ? (
            <EmptyState title="No templates yet">
              Import a Markdown checklist and choose “Save as template”; releases then start from it with “New from
              template”.
            </EmptyState>
          ) : (
            <EmptyState title={cursor ? 'No more checklists' : 'No checklists yet'}>
              Import a Markdown checklist (<code>- [ ]</code> items under headings) or create one from a template.
            </EmptyState>
          )
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Title</Th>
                {!templates && <Th>Release</Th>}
                {!templates && <Th>Status</Th>}
                <Th className="w-48">{templates ? 'Items' : 'Progress'}</Th>
                <Th>{templates ? 'Sign-off roles' : 'Signed'}</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((c) => (
                <Tr key={c.id}>
                  <Td className="font-medium">
                    <Link prefetch={false} href={`/checklists/${c.id}`} className="text-indigo-700 hover:underline">
                      {c.title}
                    </Link>
                  </Td>
                  {!templates && (
                    <Td className="text-xs">
                      <div>{[c.version, c.environment].filter(Boolean).join(' · ') || '—'}</div>
                      {c.targetDate && <div className="whitespace-nowrap text-slate-500">target {c.targetDate}</div>}
                    </Td>
                  )}
                  {!templates && (
                    <Td className="whitespace-nowrap">
                      <ChecklistStatusBadge status={c.status} />
                    </Td>
                  )}
                  <Td>
                    {templates ? (
                      <span className="tabular-nums">
                        {c.progress.total} ({c.progress.requiredTotal} required)
                      </span>
                    ) : (
                      <ProgressBar done={c.progress.checked} total={c.progress.total} label={`Progress of ${c.title}`} />
                    )}
                  </Td>
                  <Td>
                    <SignedRoles
                      required={c.requiredRoles as SignoffRole[]}
                      signed={templates ? [] : c.signedRoles}
                    />
                  </Td>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(c.createdAt)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
        {(cursor || page.nextCursor) && (
          <div className="mt-3 flex justify-between border-t border-slate-100 pt-3 text-sm">
            {cursor ? (
              <Link href={base} className="text-indigo-700 hover:underline">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextCursor && (
              <Link
                href={`${base}${templates ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}`}
                className="text-indigo-700 hover:underline"
              >
                Older →
              </Link>
            )}
          </div>
        )}
      </Card>
      )}
    </>
  );
}
