'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ActionResult } from '@/lib/auth/guards';
import { invalidateCheckpoint } from '../actions';

export function InvalidateButton({ sessionId, checkpointId, sequence }: { sessionId: string; checkpointId: string; sequence: number }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionResult<{ invalidated: number }>, FormData>(invalidateCheckpoint, {});
  return (
    <>
      <Button type="button" size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Invalidate #{sequence}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Invalidate checkpoint #${sequence}?`}
        state={state}
        action={action}
        pending={pending}
        hidden={{ sessionId, checkpointId }}
        done={(data) => (data?.invalidated ? `${data.invalidated} checkpoint(s) marked invalid.` : 'Nothing to change: already invalid.')}
        confirmLabel="Confirm invalidate"
        pendingLabel="Invalidating…"
        variant="danger"
      >
        <p className="text-slate-700">An invalid checkpoint can no longer be restored. This cannot be undone.</p>
        <label className="block">
          <span className="text-xs font-medium text-slate-600">Reason</span>
          <input name="reason" required minLength={3} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1" />
          {state.fieldErrors?.reason && <span className="text-xs text-red-700">{state.fieldErrors.reason[0]}</span>}
        </label>
        <label className="flex items-center gap-2 text-slate-700">
          <input type="checkbox" name="andLater" />
          Also invalidate every later checkpoint of this session
        </label>
      </ConfirmDialog>
    </>
  );
}
