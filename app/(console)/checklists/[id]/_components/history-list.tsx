import Link from 'next/link';
import type { ChecklistHistoryEntry } from '@/lib/checklists/queries';
import { roleLabel } from '@/lib/checklists/markdown';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { formatDateTime } from '@/lib/ui/format';
import { InlineText } from './rich-text';

function str(v: unknown) {
  return typeof v === 'string' ? v : null;
}

function role(v: unknown) {
  const r = str(v);
  return r ? roleLabel(r as SignoffRole) : 'a';
}

/** Item text and notes are Markdown (`code`, **bold**): drawn as on the item itself, not as raw asterisks. */
function md(v: unknown) {
  const s = str(v);
  return s === null ? '?' : <InlineText text={s} />;
}

function withNote(v: unknown) {
  const s = str(v);
  return s ? (
    <>
      {' — '}
      <InlineText text={s} />
    </>
  ) : null;
}

/** One line per audit row, in words. Unknown actions show their code so nothing is hidden. */
function describe(e: ChecklistHistoryEntry): React.ReactNode {
  const d = e.details;
  switch (e.action) {
    case 'checklist.create':
      return `created the checklist (${d.items ?? '?'} items${d.checked ? `, ${d.checked} ticked in the Markdown` : ''})`;
    case 'checklist.template_create':
      return `created the template (${d.items ?? '?'} items)`;
    case 'checklist.instantiate':
      return `created the checklist from a template (${d.items ?? '?'} items)`;
    case 'checklist.tick':
      return (
        <>
          ticked “{md(d.text)}”{withNote(d.note)}
        </>
      );
    case 'checklist.untick':
      return (
        <>
          unticked “{md(d.text)}”{withNote(d.note)}
        </>
      );
    case 'checklist.signoff':
      return (
        <>
          signed off {role(d.signoffRole)}
          {withNote(d.note)}
        </>
      );
    case 'checklist.signoff_void':
      return d.automatic
        ? <>voided the {role(d.signoffRole)} sign-off: {md(d.reason ?? '')}</>
        : <>withdrew the {role(d.signoffRole)} sign-off: {md(d.reason ?? '')}</>;
    default:
      return e.action;
  }
}

export function HistoryList({
  entries,
  olderHref,
}: {
  entries: ChecklistHistoryEntry[];
  olderHref: string | null;
}) {
  if (entries.length === 0) return <p className="text-sm text-slate-500">Nothing recorded yet.</p>;
  return (
    <>
      <ol className="space-y-2" aria-label="History">
        {entries.map((e) => (
          <li key={e.id} className="text-xs">
            <div className="text-slate-500">{formatDateTime(e.at)}</div>
            <div className={e.outcome === 'success' ? 'text-slate-800' : 'text-red-700'}>
              <span className="font-medium">{e.actorLabel ?? 'system'}</span> {describe(e)}
              {e.outcome !== 'success' && <span> — refused ({str(e.details.reason) ?? e.outcome})</span>}
            </div>
          </li>
        ))}
      </ol>
      {olderHref && (
        <Link href={olderHref} scroll={false} className="mt-3 inline-block text-xs text-indigo-700 hover:underline">
          Older entries →
        </Link>
      )}
    </>
  );
}
