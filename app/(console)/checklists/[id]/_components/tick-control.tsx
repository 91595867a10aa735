'use client';
import { startTransition, useActionState, useId, useOptimistic, useState } from 'react';
import type { ActionResult } from '@/lib/auth/guards';
import { tickItemAction, untickItemAction } from '../../actions';

/**
 * The item's checkbox. Changing it submits at once (tick or untick); "Note" opens a field whose text goes with
 * the next change. The box flips at once (optimistic) and settles on what the server says once the page
 * re-renders; a refused change flips it back and shows why.
 */
export function TickControl({
  itemId,
  text,
  checked,
  disabled,
  disabledReason = null,
}: {
  itemId: string;
  text: string;
  checked: boolean;
  disabled: boolean;
  /** Shown as the disabled box's tooltip and read as its description. */
  disabledReason?: string | null;
}) {
  const [tickState, tick, ticking] = useActionState<ActionResult, FormData>(tickItemAction, {});
  const [untickState, untick, unticking] = useActionState<ActionResult, FormData>(untickItemAction, {});
  const [shown, setShown] = useOptimistic(checked);
  const [noteOpen, setNoteOpen] = useState(false);
  const pending = ticking || unticking;
  const error = (checked ? untickState : tickState).error;
  const noteId = useId();
  const reasonId = useId();
  const reason = disabled ? disabledReason : null;
  return (
    <form action={checked ? untick : tick} className="contents">
      <input type="hidden" name="itemId" value={itemId} />
      <input
        type="checkbox"
        aria-label={text || 'Untitled item'}
        checked={shown}
        disabled={disabled || pending}
        title={reason ?? undefined}
        aria-describedby={reason ? reasonId : undefined}
        onChange={(e) => {
          const form = e.currentTarget.form;
          if (!form) return;
          const fd = new FormData(form);
          startTransition(() => {
            setShown(!checked);
            (checked ? untick : tick)(fd);
          });
        }}
        className="mt-0.5 h-4 w-4 shrink-0 cursor-pointer rounded border-slate-300 text-indigo-600 accent-indigo-600 disabled:cursor-not-allowed"
      />
      {reason && (
        <span id={reasonId} hidden>
          {reason}
        </span>
      )}
      {pending && <span className="sr-only" role="status">Saving…</span>}
      {!disabled && (
        <span className="order-last ml-auto flex shrink-0 items-start gap-1">
          {noteOpen ? (
            <>
              <label htmlFor={noteId} className="sr-only">
                Note for the next change
              </label>
              <input
                id={noteId}
                name="note"
                maxLength={2000}
                placeholder={checked ? 'Why untick?' : 'Note (optional)'}
                className="w-44 rounded border border-slate-300 px-1.5 py-0.5 text-xs"
              />
            </>
          ) : (
            <button
              type="button"
              onClick={() => setNoteOpen(true)}
              className="rounded px-1.5 py-0.5 text-[11px] text-slate-500 hover:bg-slate-100 hover:text-slate-700"
              aria-label={`Add a note to “${text}”`}
            >
              + note
            </button>
          )}
        </span>
      )}
      {error && (
        <span role="alert" className="order-last basis-full pl-6 text-xs text-red-700">
          {error}
        </span>
      )}
    </form>
  );
}
