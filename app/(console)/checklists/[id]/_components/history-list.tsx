import Link from 'next/link';
import type { ChecklistHistoryEntry } from '@/lib/checklists/queries';
import { roleLabel } from '@/lib/checklists/markdown';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { formatDateTime } from '@/lib/ui/format';

function str(v: unknown) {
  return typeof v === 'string' ? v : null;
}

function role(v: unknown) {
  const r = str(v);
  return r ? roleLabel(r as SignoffRole) : 'a';
}

/** One line per audit row, in words. Unknown actions show their code so nothing is hidden. */
function describe(e: ChecklistHistoryEntry): string {
  const d = e.details;
  switch (e.action) {
    case 'checklist.create':
      return `created the checklist (${d.items ?? '?'} items${d.checked ? `, ${d.checked} ticked in the Markdown` : ''})`;
    case 'checklist.template_create':
      return `created the template (${d.items ?? '?'} items)`;
    case 'checklist.instantiate':
      return `created the checklist from a template (${d.items ?? '?'} items)`;
    case 'checklist.tick':
      return `ticked “${str(d.text) ?? '?'}”${str(d.note) ? ` — ${str(d.note)}` : ''}`;
    case 'checklist.untick':
      return `unticked “${str(d.text) ?? '?'}”${str(d.note) ? ` — ${str(d.note)}` : ''}`;
    case 'checklist.signoff':
      return `signed off ${role(d.signoffRole)}${str(d.note) ? ` — ${str(d.note)}` : ''}`;
    case 'checklist.signoff_void':
      return d.automatic
        ? `voided the ${role(d.signoffRole)} sign-off: ${str(d.reason) ?? ''}`
        : `withdrew the ${role(d.signoffRole)} sign-off: ${str(d.reason) ?? ''}`;
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
