'use client';
import { Button } from '@/components/ui/button';
import { Modal } from '@/components/ui/modal';
import { AbortForm, NoteForm, RestoreForm, ResumeForm } from './action-forms';

export type RowAction = 'resume' | 'abort' | 'restore' | 'note';

const titles: Record<RowAction, string> = {
  resume: 'Resume',
  abort: 'Abort',
  restore: 'Restore',
  note: 'Add a note to',
};

const done: Record<RowAction, string> = {
  resume: 'Resumed',
  abort: 'Aborted',
  restore: 'Restore started for',
  note: 'Note added to',
};

/**
 * One dialog for the row's actions: the same forms as the details panel (note for the agent, abort reason with
 * its confirmation, checkpoint choice), opened by a row button or a key. It closes itself once the server said
 * yes and hands the table a sentence to announce.
 */
export function RowDialog({
  open,
  label,
  onClose,
  onDone,
}: {
  open: { id: string; action: RowAction } | null;
  label: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const finish = () => open && onDone(`${done[open.action]} ${label}.`);
  return (
    <Modal open={Boolean(open)} onClose={onClose} title={open ? `${titles[open.action]} ${label}?` : ''}>
      {open?.action === 'resume' && <ResumeForm id={open.id} onDone={finish} />}
      {open?.action === 'abort' && <AbortForm id={open.id} onDone={finish} confirmed />}
      {open?.action === 'restore' && <RestoreForm id={open.id} onDone={finish} />}
      {open?.action === 'note' && <NoteForm id={open.id} onDone={finish} />}
      <CloseRow onClose={onClose} />
    </Modal>
  );
}

function CloseRow({ onClose }: { onClose: () => void }) {
  return (
    <div className="mt-3 flex justify-end">
      <Button type="button" size="sm" variant="ghost" onClick={onClose}>
        Close
      </Button>
    </div>
  );
}

export const shortcuts: [string, string][] = [
  ['j / k', 'Move to the next / previous pause'],
  ['r', 'Resume (with an optional note for the agent)'],
  ['a', 'Abort (with a reason)'],
  ['e', 'Restore from a checkpoint'],
  ['n', 'Add a note'],
  ['x', 'Select or unselect for a bulk action'],
  ['Enter', 'Show or hide the details'],
  ['?', 'Show this help'],
  ['Esc', 'Close a dialog'],
];

export function KeyboardHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        {shortcuts.map(([k, what]) => (
          <div key={k} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{k}</kbd>
            </dt>
            <dd className="text-slate-700">{what}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-slate-500">Keys act on the highlighted row; they are ignored while you type in a field.</p>
      <CloseRow onClose={onClose} />
    </Modal>
  );
}
