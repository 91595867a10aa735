'use client';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useId, useRef, useState, useTransition, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { abortAction, assignAction, checkpointsAction, noteAction, restoreAction, resumeAction } from '../actions';

type Action = (prev: ActionResult<unknown>, fd: FormData) => Promise<ActionResult<unknown>>;

function Feedback({ state, success }: { state: ActionResult<unknown>; success: string }) {
  if (state.error) {
    return (
      <p role="alert" className="text-xs text-red-700">
        {state.error}
      </p>
    );
  }
  if (state.ok) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        {success}
      </p>
    );
  }
  return null;
}

/**
 * After a successful change the row leaves the list; the live stream would refresh too, this is immediate.
 * `onDone` lets a dialog close itself once the server said yes.
 */
function useRefreshOnOk(state: ActionResult<unknown>, onDone?: () => void) {
  const router = useRouter();
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  useEffect(() => {
    if (!state.ok) return;
    router.refresh();
    done.current?.();
  }, [state, router]);
}

type FormProps = { id: string; onDone?: () => void };

const inputCls = 'w-full rounded-md border border-slate-300 px-2 py-1 text-sm';

export function ResumeForm({ id, onDone }: FormProps) {
  const [state, formAction, pending] = useActionState(resumeAction as Action, {});
  useRefreshOnOk(state, onDone);
  return (
    <form action={formAction} className="space-y-1.5">
      <input type="hidden" name="pausedSessionId" value={id} />
      <label className="block text-xs font-medium text-slate-600">
        Note for the agent (optional)
        <textarea name="note" rows={2} className={inputCls} placeholder="Instructions the agent receives with the resume" />
      </label>
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? 'Resuming…' : 'Resume'}
      </Button>
      <Feedback state={state} success="Resumed." />
    </form>
  );
}

/** `confirmed`: opened from the row's Abort button, whose dialog already is the confirmation step. */
export function AbortForm({ id, onDone, confirmed = false }: FormProps & { confirmed?: boolean }) {
  const [state, formAction, pending] = useActionState(abortAction as Action, {});
  const [confirming, setConfirming] = useState(confirmed);
  useRefreshOnOk(state, onDone);
  return (
    <form action={formAction} className="space-y-1.5">
      <input type="hidden" name="pausedSessionId" value={id} />
      <label className="block text-xs font-medium text-slate-600">
        Reason
        <input name="reason" className={inputCls} placeholder="Why this session should stop" />
      </label>
      {confirming ? (
        <div className="flex gap-2">
          <Button type="submit" size="sm" variant="danger" disabled={pending}>
            {pending ? 'Aborting…' : 'Confirm abort'}
          </Button>
          {!confirmed && (
            <Button type="button" size="sm" variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          )}
        </div>
      ) : (
        <Button type="button" size="sm" variant="danger" onClick={() => setConfirming(true)}>
          Abort…
        </Button>
      )}
      <Feedback state={state} success="Aborted." />
    </form>
  );
}

type Checkpoint = { id: string; sequence: number; checkpointType: string; currentTaskId: string | null; createdAt: string };

export function RestoreForm({ id, onDone }: FormProps) {
  const [state, formAction, pending] = useActionState(restoreAction as Action, {});
  const [checkpoints, setCheckpoints] = useState<Checkpoint[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [, startLoading] = useTransition();
  useRefreshOnOk(state, onDone);
  useEffect(() => {
    startLoading(async () => {
      const r = await checkpointsAction({ pausedSessionId: id });
      if (r.ok && r.data) setCheckpoints(r.data as Checkpoint[]);
      else setLoadError(r.error ?? 'Could not load checkpoints.');
    });
  }, [id]);
  if (loadError) return <p role="alert" className="text-xs text-red-700">{loadError}</p>;
  if (!checkpoints) return <p className="text-xs text-slate-500">Loading checkpoints…</p>;
  if (!checkpoints.length) return <p className="text-xs text-slate-500">No valid checkpoint to restore from.</p>;
  return (
    <form action={formAction} className="space-y-1.5">
      <input type="hidden" name="pausedSessionId" value={id} />
      <label className="block text-xs font-medium text-slate-600">
        Checkpoint
        <select name="checkpointId" defaultValue={checkpoints[0].id} className={inputCls}>
          {checkpoints.map((c, i) => (
            <option key={c.id} value={c.id}>
              #{c.sequence} · {c.checkpointType.replace(/_/g, ' ')}
              {c.currentTaskId ? ` · ${c.currentTaskId}` : ''}
              {i === 0 ? ' (latest)' : ''}
            </option>
          ))}
        </select>
      </label>
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer">Restore with edits</summary>
        <label className="mt-1 block">
          Current task
          <input name="currentTask" className={inputCls} />
        </label>
        <label className="mt-1 block">
          Instruction
          <textarea name="instruction" rows={2} className={inputCls} placeholder="Appended to the restored conversation" />
        </label>
      </details>
      {confirming ? (
        <div className="flex gap-2">
          <Button type="submit" size="sm" disabled={pending}>
            {pending ? 'Restoring…' : 'Confirm restore'}
          </Button>
          <Button type="button" size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button type="button" size="sm" variant="secondary" onClick={() => setConfirming(true)}>
          Restore…
        </Button>
      )}
      <Feedback
        state={state}
        success={(state.data as { pending?: boolean } | undefined)?.pending ? 'Restore requested: awaiting approval by a second engineer.' : 'Restore started.'}
      />
    </form>
  );
}

export function NoteForm({ id, onDone }: FormProps) {
  const [state, formAction, pending] = useActionState(noteAction as Action, {});
  useRefreshOnOk(state, onDone);
  return (
    <form action={formAction} className="space-y-1.5">
      <input type="hidden" name="pausedSessionId" value={id} />
      <label className="block text-xs font-medium text-slate-600">
        Note
        <textarea name="note" rows={2} className={inputCls} />
      </label>
      <Button type="submit" size="sm" variant="secondary" disabled={pending}>
        {pending ? 'Saving…' : 'Add note'}
      </Button>
      <Feedback state={state} success="Note added." />
    </form>
  );
}

/**
 * "Assign to me" / "Take over" for every row of the inbox through two shared forms (one sends `force`), not one form
 * per row: a server-action form carries its hidden progressive-enhancement inputs (~600 bytes), which 50 rows sent
 * on every view (issue 18). Each row's button submits one of them with `form=` and its own
 * `name="pausedSessionId" value={id}`, so the action gets what it got before, with or without JavaScript.
 */
export function useAssignForms() {
  const [state, formAction, pending] = useActionState(assignAction as Action, {});
  const [submitted, setSubmitted] = useState<string | null>(null);
  const id = useId();
  useRefreshOnOk(state);
  const ids = { assign: `${id}-assign`, takeOver: `${id}-take-over` };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    const by = (e.nativeEvent as SubmitEvent).submitter;
    setSubmitted(by instanceof HTMLButtonElement ? by.value : null);
  };
  const forms = (
    <>
      <form id={ids.assign} action={formAction} onSubmit={onSubmit} hidden />
      <form id={ids.takeOver} action={formAction} onSubmit={onSubmit} hidden>
        <input type="hidden" name="force" value="true" />
      </form>
    </>
  );
  const button = ({ id: rowId, assignedTo, me }: { id: string; assignedTo: string | null; me: string }) => {
    if (assignedTo === me) return <span className="text-xs text-slate-500">Yours</span>;
    const mine = submitted === rowId;
    return (
      <>
        <Button
          type="submit"
          form={assignedTo ? ids.takeOver : ids.assign}
          name="pausedSessionId"
          value={rowId}
          size="sm"
          variant="ghost"
          disabled={pending && mine}
        >
          {pending && mine ? 'Assigning…' : assignedTo ? 'Take over' : 'Assign to me'}
        </Button>
        {mine && !pending && state.error && (
          <span role="alert" className="block text-xs text-red-700">
            {state.error}
          </span>
        )}
      </>
    );
  };
  return { forms, button };
}
