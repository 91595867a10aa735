'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { invalidateCheckpoint } from '../actions';
import { Modal } from '@/components/ui/modal';

export function InvalidateButton({ sessionId, checkpointId, sequence }: { sessionId: string; checkpointId: string; sequence: number }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionResult<{ invalidated: number }>, FormData>(invalidateCheckpoint, {});
  const done = state.ok && !pending;
  return (
    <>
      <Button type="button" size="sm" variant="ghost" onClick={() => setOpen(true)}>
        Invalidate #{sequence}
      </Button>
      <Modal open={open} onClose={() => setOpen(false)} title={`Invalidate checkpoint #${sequence}?`}>
        {done ? (
          <div className="space-y-3 text-sm">
            <p role="status" className="text-emerald-700">
              {state.data?.invalidated ? `${state.data.invalidated} checkpoint(s) marked invalid.` : 'Nothing to change: already invalid.'}
            </p>
            <div className="flex justify-end">
              <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
                Close
              </Button>
            </div>
          </div>
        ) : (
          <form action={action} className="space-y-3 text-sm">
            <input type="hidden" name="sessionId" value={sessionId} />
            <input type="hidden" name="checkpointId" value={checkpointId} />
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
            {state.error && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700">
                {state.error}
              </p>
            )}
            <div className="flex justify-end gap-2">
              <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? 'Invalidating…' : 'Confirm invalidate'}
              </Button>
            </div>
          </form>
        )}
      </Modal>
    </>
  );
}
