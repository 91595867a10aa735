'use client';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter } from '@codemirror/lint';
import CodeMirror from '@uiw/react-codemirror';
import Link from 'next/link';
import { useMemo, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import type { StateDiff } from '@/lib/checkpoints/diff';
import { previewEditAction, restoreEditedAction } from '../checkpoint-actions';
import { DiffView } from './diff-view';

function syntaxError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const fieldMessage = (r: ActionResult<unknown>) =>
  r.fieldErrors ? Object.entries(r.fieldErrors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ') : (r.error ?? 'Failed');

/**
 * Restore with an edited state: the checkpoint's state in CodeMirror 6 (JSON language, syntax errors linted
 * inline and named under the editor). Preview diffs the edit against the original on the server; Confirm is only
 * possible for the text that was previewed and has no syntax error. The server re-validates everything.
 */
export function StateEditor({ sessionId, checkpointId, sequence, initial, maxBytes }: { sessionId: string; checkpointId: string; sequence: number; initial: string; maxBytes: number }) {
  const [text, setText] = useState(initial);
  const [previewed, setPreviewed] = useState<{ text: string; diff: StateDiff } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [note, setNote] = useState('');
  const [pending, start] = useTransition();
  const extensions = useMemo(() => [json(), linter(jsonParseLinter()), lintGutter()], []);
  const error = useMemo(() => syntaxError(text), [text]);
  const tooBig = new Blob([text]).size > maxBytes;
  const canConfirm = !error && !tooBig && previewed?.text === text && !pending && !message?.ok;

  const preview = (limit = 50) =>
    start(async () => {
      const r = await previewEditAction({ sessionId, checkpointId, state: text, limit });
      if (r.ok && r.data) {
        setPreviewed({ text, diff: r.data });
        setMessage(null);
      } else setMessage({ ok: false, text: fieldMessage(r) });
    });
  const confirm = () =>
    start(async () => {
      const r = await restoreEditedAction({ sessionId, checkpointId, state: text, note: note || undefined });
      if (r.ok && r.data) {
        setMessage({
          ok: true,
          text: r.data.pending
            ? `Saved as checkpoint #${r.data.sequence} (forked from #${sequence}); the restore is awaiting approval by a second engineer.`
            : `Saved as checkpoint #${r.data.sequence} (forked from #${sequence}) and restored: the agent receives it on its next control call.`,
        });
      } else setMessage({ ok: false, text: fieldMessage(r) });
    });

  return (
    <div className="space-y-3">
      <div className="overflow-hidden rounded-md border border-slate-300" data-testid="state-editor">
        <CodeMirror value={text} height="480px" extensions={extensions} onChange={setText} aria-label="Checkpoint state (JSON)" />
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          Syntax error: {error}
        </p>
      ) : tooBig ? (
        <p role="alert" className="text-sm text-red-700">The edited state is larger than the {Math.round(maxBytes / 1000)} kB limit.</p>
      ) : (
        <p className="text-xs text-slate-500">Valid JSON. Preview the changes, then confirm.</p>
      )}
      <label className="block text-xs font-medium text-slate-600">
        Note (optional)
        <input value={note} onChange={(e) => setNote(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <div className="flex gap-2">
        <Button variant="secondary" disabled={Boolean(error) || tooBig || pending} onClick={() => preview()}>
          Preview changes
        </Button>
        <Button disabled={!canConfirm} onClick={confirm} title={previewed?.text === text ? undefined : 'Preview the current text first'}>
          Confirm restore
        </Button>
        <Link href={`/sessions/${sessionId}/checkpoints/${checkpointId}`} className="self-center text-sm text-indigo-700 hover:underline">
          Cancel
        </Link>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-sm text-emerald-700' : 'text-sm text-red-700'}>
          {message.text}
        </p>
      )}
      {previewed && previewed.text === text && <DiffView diff={previewed.diff} loading={pending} onMore={() => preview(previewed.diff.messages.items.length + 50)} />}
    </div>
  );
}
