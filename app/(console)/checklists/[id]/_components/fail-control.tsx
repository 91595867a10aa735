'use client';
import { useActionState, useState } from 'react';
import type { ActionResult } from '@/lib/auth/guards';
import { failItemAction } from '../../release-actions';

/** "Failed…" on a required item: says what failed; the release gate then fails until the item is ticked again. */
export function FailControl({ itemId, text }: { itemId: string; text: string }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionResult, FormData>(failItemAction, {});
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Mark "${text}" failed`}
        className="text-xs text-slate-600 hover:text-red-700 hover:underline"
      >
        Failed…
      </button>
    );
  }
  return (
    <form action={action} className="flex basis-full flex-wrap items-center gap-1.5 pl-6 text-xs">
      <input type="hidden" name="itemId" value={itemId} />
      <input
        name="note"
        required
        maxLength={2000}
        aria-label={`What failed in "${text}"`}
        placeholder="What failed? (required)"
        className="min-w-48 flex-1 rounded border border-slate-300 px-2 py-1"
      />
      <button type="submit" disabled={pending} className="rounded bg-red-600 px-2 py-1 font-medium text-white disabled:opacity-50">
        {pending ? 'Saving…' : 'Mark failed'}
      </button>
      <button type="button" onClick={() => setOpen(false)} className="text-slate-500 underline">
        Cancel
      </button>
      {state.error && (
        <p role="alert" className="basis-full text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
