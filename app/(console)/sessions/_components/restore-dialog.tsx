'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult } from '@/lib/auth/guards';
import { restoreCheckpoint } from '../actions';

export type RestoreTarget = {
  sessionId: string;
  checkpointId: string;
  sequence: number;
  currentTaskId: string | null;
  messageCount: number;
};

/**
 * Restore with a confirmation that says exactly what will happen; "with edits" forks the state (new current
 * task, an appended instruction) before the agent receives it. The server re-checks everything: a refusal
 * (invalid checkpoint, recovery already running, finished session) is shown here as the server words it.
 */
export function RestoreButton({
  target,
  hasOpenPause,
  blockedReason = null,
  size = 'sm',
}: {
  target: RestoreTarget;
  hasOpenPause: boolean;
  /** Why a restore cannot start now (shown on the disabled button). Kept mounted so a confirmation stays visible. */
  blockedReason?: string | null;
  size?: 'sm' | 'md';
}) {
  const [open, setOpen] = useState(false);
  const [withEdits, setWithEdits] = useState(false);
  const [state, action, pending] = useActionState<ActionResult<{ pending: boolean; sequence: number }>, FormData>(
    restoreCheckpoint,
    {},
  );
  return (
    <>
      <Button type="button" size={size} variant="secondary" onClick={() => setOpen(true)} disabled={Boolean(blockedReason)} title={blockedReason ?? undefined}>
        Restore #{target.sequence}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Restore checkpoint #${target.sequence}?`}
        state={state}
        action={action}
        pending={pending}
        hidden={{ sessionId: target.sessionId, checkpointId: target.checkpointId }}
        done={(data) =>
          data?.pending
            ? `Restore of checkpoint #${data.sequence} requested: awaiting approval by a second engineer.`
            : `Recovery started from checkpoint #${data?.sequence}. The agent receives the state on its next control call.`
        }
        confirmLabel="Confirm restore"
        pendingLabel="Restoring…"
      >
        <p className="text-slate-700">
          The agent will be rewound to checkpoint #{target.sequence} (task {target.currentTaskId ?? '—'}, {target.messageCount}{' '}
          messages).{' '}
          {hasOpenPause ? 'The current pause will be closed as restored.' : 'The session becomes “recovering” until the agent reports back.'}
        </p>
        <label className="flex items-center gap-2 text-slate-700">
          <input type="checkbox" checked={withEdits} onChange={(e) => setWithEdits(e.target.checked)} />
          Restore with edits
        </label>
        {withEdits && (
          <div className="space-y-2 rounded-md bg-slate-50 p-3">
            <label className="block">
              <span className="text-xs font-medium text-slate-600">New current task</span>
              <input name="currentTask" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" placeholder={target.currentTaskId ?? ''} />
            </label>
            <label className="block">
              <span className="text-xs font-medium text-slate-600">Instruction to append</span>
              <textarea name="instruction" rows={3} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" />
            </label>
          </div>
        )}
        <label className="block">
          <span className="text-xs font-medium text-slate-600">Note (optional)</span>
          <input name="note" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" />
        </label>
      </ConfirmDialog>
    </>
  );
}
