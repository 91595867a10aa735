'use client';
import { startTransition, useActionState, useId, useOptimistic, useState } from 'react';
import type { ActionResult } from '@/lib/auth/guards';
import { tickItemAction, untickItemAction } from '../../actions';

/**
 * The item's checkbox. Changing it submits at once (tick or untick); "Note" opens a field for the change the box
 * offers now ("Why untick?" on a ticked item). The note belongs to that change only: it is sent with it and then
 * cleared, and a note written for an untick is never sent with a tick (the box may have changed meanwhile). The box
 * flips at once (optimistic) and settles on what the server says once the page re-renders; a refused change flips
 * it back and shows why.
 */
/** The item's text as it reads on screen (without `**` and backticks), for accessible names. */
function plain(text: string) {
  return text.replace(/\*\*([^*\n]+)\*\*/g, '$1').replace(/`([^`\n]+)`/g, '$1');
}

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
  const [note, setNote] = useState<{ for: 'tick' | 'untick'; text: string } | null>(null);
  const change = checked ? 'untick' : 'tick';
  const noteText = note?.for === change ? note.text : '';
  const pending = ticking || unticking;
  const error = (checked ? untickState : tickState).error;
  const noteId = useId();
  const reasonId = useId();
  const reason = disabled ? disabledReason : null;
  /** The change the box offers, with the note written for it; the note is cleared once it has been sent. */
  const submit = () => {
    const fd = new FormData();
    fd.set('itemId', itemId);
    if (noteText.trim()) fd.set('note', noteText);
    setNote(null);
    setNoteOpen(false);
    startTransition(() => {
      setShown(!checked);
      (checked ? untick : tick)(fd);
    });
  };
  return (
    <form
      className="contents"
      onSubmit={(e) => {
        // Enter in the note field sends the change with its note.
        e.preventDefault();
        if (!disabled && !pending) submit();
      }}
    >
      <input
        type="checkbox"
        aria-label={plain(text) || 'Untitled item'}
        checked={shown}
        disabled={disabled || pending}
        title={reason ?? undefined}
        aria-describedby={reason ? reasonId : undefined}
        onChange={submit}
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
                {checked ? `Note for unticking “${plain(text)}”` : `Note for ticking “${plain(text)}”`}
              </label>
              <input
                id={noteId}
                value={noteText}
                onChange={(e) => setNote({ for: change, text: e.target.value })}
                maxLength={2000}
                placeholder={checked ? 'Why untick?' : 'Note for the tick'}
                className="w-44 rounded border border-slate-300 px-1.5 py-0.5 text-xs"
              />
            </>
          ) : (
            <button
              type="button"
              onClick={() => setNoteOpen(true)}
              className="rounded px-1.5 py-0.5 text-[11px] text-slate-500 hover:bg-slate-100 hover:text-slate-700"
              aria-label={`Add a note to “${plain(text)}”`}
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
