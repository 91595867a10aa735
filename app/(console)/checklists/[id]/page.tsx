import type { Metadata } from 'next';
import { clsx } from 'clsx';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { requirePageUser } from '@/lib/auth/guards';
import { can, permissionTable } from '@/lib/auth/permissions';
import { introOf, phaseLabel, roleLabel } from '@/lib/checklists/markdown';
import { getChecklist, getChecklistHistory, type ChecklistSectionView } from '@/lib/checklists/queries';
import { formatDateTime } from '@/lib/ui/format';
import { ChecklistStatusBadge } from '../_components/checklist-badges';
import { ProgressBar } from '../_components/progress-bar';
import { HistoryList } from './_components/history-list';
import { ItemList } from './_components/item-list';
import { DescriptionText } from './_components/rich-text';
import { LiveRefresh } from './_components/live-refresh';
import { SignoffPanel } from './_components/signoff-panel';
import { PolicyCard } from './_components/policy-card';
import { loadPolicyState } from '@/lib/checklists/signoff';
import { getDb } from '@/lib/db/client';

export const metadata: Metadata = { title: 'Checklist' };

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HISTORY_PAGE = 30;

export default async function ChecklistPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ historyBefore?: string }>;
}) {
  const user = await requirePageUser('console:read');
  const { id } = await params;
  const { historyBefore } = await searchParams;
  if (!uuidRe.test(id)) notFound();
  const before = Number(historyBefore);
  const db = await getDb();
  const [detail, history] = await Promise.all([
    getChecklist(db, { checklistId: id }),
    getChecklistHistory(db, {
      checklistId: id,
      limit: HISTORY_PAGE,
      before: Number.isInteger(before) && before > 0 ? before : undefined,
    }),
  ]);
  if (!detail) notFound();
  const { checklist, progress, rollbackCriteria } = detail;
  const policyState = await loadPolicyState(db, checklist);
  // The document's intro paragraph is stored as a first, item-less section named like the title: shown under the title.
  const intro = introOf({ title: checklist.title, sections: detail.sections });
  const sections = intro === null ? detail.sections : detail.sections.slice(1);
  // Why the boxes are disabled, said on each box (title and description) instead of a silent grey box.
  const tickBlockedReason = !can(user.role, 'checklists:tick')
    ? `Your role (${user.role}) can't tick items: ${permissionTable['checklists:tick'].join(', ')} can.`
    : checklist.isTemplate
      ? 'This is a template: start a checklist from it to tick items.'
      : checklist.status === 'archived'
        ? 'This checklist is archived: its items can no longer change.'
        : null;
  const canTick = tickBlockedReason === null;
  const showRollbackFirst =
    (checklist.status === 'signed_off' || checklist.status === 'live') && rollbackCriteria.length > 0;
  const release = [
    checklist.version && `version ${checklist.version}`,
    checklist.environment,
    checklist.targetDate && `target ${checklist.targetDate}`,
    checklist.commitSha && `commit ${checklist.commitSha.slice(0, 12)}`,
    checklist.deployedAt && `deployed ${formatDateTime(checklist.deployedAt)}`,
  ].filter(Boolean);

  return (
    <>
      <Link href={checklist.isTemplate ? '/checklists?tab=templates' : '/checklists'} className="text-sm text-indigo-700 hover:underline">
        ← {checklist.isTemplate ? 'Templates' : 'Checklists'}
      </Link>
      <div className="mb-5 mt-1 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900">{checklist.title}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-500">
            {checklist.isTemplate ? <Badge tone="violet">template</Badge> : <ChecklistStatusBadge status={checklist.status} />}
            {release.length > 0 && <span>{release.join(' · ')}</span>}
            <span>created {formatDateTime(checklist.createdAt)}</span>
            {!checklist.isTemplate && <LiveRefresh checklistId={checklist.id} updatedAt={checklist.updatedAt.toISOString()} />}
          </div>
          {intro && (
            <div aria-label="Introduction" role="region" className="mt-2 max-w-3xl text-sm text-slate-700">
              <DescriptionText text={intro} />
            </div>
          )}
        </div>
        <div className="flex items-center gap-2">
          {checklist.isTemplate && can(user.role, 'checklists:create') && (
            <Link
              href={`/checklists/new?template=${checklist.id}`}
              className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-700"
            >
              New checklist from this template
            </Link>
          )}
          <a
            href={`/checklists/${checklist.id}/export`}
            download
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Export Markdown
          </a>
        </div>
      </div>

      {showRollbackFirst && (
        <section
          aria-label="Rollback criteria"
          className="mb-5 rounded-xl border border-red-200 bg-red-50 p-4 shadow-sm"
        >
          <h2 className="mb-2 text-sm font-semibold text-red-800">Rollback criteria — roll back if any of these holds</h2>
          {rollbackCriteria.map((s) => (
            <SectionBody key={s.id} section={s} canTick={canTick} tickBlockedReason={tickBlockedReason} compact />
          ))}
        </section>
      )}

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-5">
          <Card title="Progress">
            <ProgressBar done={progress.checked} total={progress.total} label="Overall progress" />
            <p className="mt-1 text-xs text-slate-500">
              {progress.requiredChecked} of {progress.requiredTotal} required items ticked
            </p>
            {sections.length > 1 && (
              <ul className="mt-3 grid gap-x-6 gap-y-1.5 sm:grid-cols-2">
                {sections
                  .filter((s) => s.progress.total > 0)
                  .map((s) => (
                    <li key={s.id} className="text-xs">
                      <a href={`#section-${s.id}`} className="block truncate text-slate-600 hover:text-indigo-700">
                        {s.title}
                      </a>
                      <ProgressBar done={s.progress.checked} total={s.progress.total} label={`Progress of ${s.title}`} />
                    </li>
                  ))}
              </ul>
            )}
          </Card>

          {sections.length === 0 ? (
            <Card>
              <EmptyState title="No sections">This checklist has no sections.</EmptyState>
            </Card>
          ) : (
            groupByPhase(showRollbackFirst ? sections.filter((s) => s.phase !== 'rollback_criteria') : sections).map((group, gi) => (
              <div key={gi} className="space-y-3">
                <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{group.label}</h2>
                {group.sections.map((s) => (
                  <section
                    key={s.id}
                    id={`section-${s.id}`}
                    aria-label={s.title}
                    className="scroll-mt-4 rounded-xl border border-slate-200 bg-white shadow-sm"
                  >
                    <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
                      <h3 className="min-w-0 break-words text-sm font-semibold text-slate-800">
                        {s.title}
                        {s.signoffRole && (
                          <span className="ml-2 text-xs font-normal text-slate-500">covered by {roleLabel(s.signoffRole)} only</span>
                        )}
                      </h3>
                      {s.progress.total > 0 && (
                        <ProgressBar
                          done={s.progress.checked}
                          total={s.progress.total}
                          label={`Progress of ${s.title}`}
                          className="w-40"
                        />
                      )}
                    </header>
                    <div className="p-4">
                      <SectionBody section={s} canTick={canTick} tickBlockedReason={tickBlockedReason} />
                    </div>
                  </section>
                ))}
              </div>
            ))
          )}
        </div>

        <aside className="space-y-5">
          <Card
            title="Sign-off"
            action={
              !checklist.isTemplate && (
                <span className="text-xs text-slate-500">
                  {detail.roles.filter((r) => r.signoff).length}/{detail.roles.length} signed
                </span>
              )
            }
          >
            <SignoffPanel detail={detail} user={user} policy={policyState} />
          </Card>
          <PolicyCard checklist={checklist} canEdit={checklist.isTemplate && can(user.role, 'checklists:policy')} />
          <Card title="History">
            <HistoryList
              entries={history.entries}
              olderHref={history.nextBefore ? `/checklists/${checklist.id}?historyBefore=${history.nextBefore}` : null}
            />
            {historyBefore && (
              <Link href={`/checklists/${checklist.id}`} scroll={false} className="mt-2 block text-xs text-indigo-700 hover:underline">
                ← Newest entries
              </Link>
            )}
          </Card>
        </aside>
      </div>
    </>
  );
}

function SectionBody({
  section,
  canTick,
  tickBlockedReason,
  compact,
}: {
  section: ChecklistSectionView;
  canTick: boolean;
  tickBlockedReason: string | null;
  compact?: boolean;
}) {
  return (
    <>
      {section.description && (
        <div
          className={clsx(
            'text-sm text-slate-700',
            !compact && section.items.length > 0 && 'mb-3 rounded-md bg-slate-50 px-3 py-2 text-xs',
          )}
        >
          <DescriptionText text={section.description} />
        </div>
      )}
      {section.items.length > 0 && <ItemList items={section.items} canTick={canTick} tickBlockedReason={tickBlockedReason} />}
    </>
  );
}

/** Consecutive sections of one phase share a heading; document order is kept. */
function groupByPhase(sections: ChecklistSectionView[]) {
  const groups: { label: string; sections: ChecklistSectionView[] }[] = [];
  for (const s of sections) {
    const label = s.signoffRole ? 'Sign-off sections' : phaseLabel(s.phase);
    const last = groups[groups.length - 1];
    if (last && last.label === label) last.sections.push(s);
    else groups.push({ label, sections: [s] });
  }
  return groups;
}
