'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import type { DryRunItem } from '@/lib/checkpoints/bulk-restore';
import type { BulkItemResult } from '@/lib/interventions/commands';
import type { ActiveFilter } from '@/lib/interventions/schemas';
import { bulkAbortAction, bulkRestoreAction, bulkRestoreDryRunAction, bulkResumeAction, matchingIdsAction } from '../actions';
import type { Permissions } from './active-table';

const CHUNK = 10;

type BulkAction = 'resume' | 'abort' | 'restore';
type Result = BulkItemResult & { pending?: boolean };
type Phase =
  | { kind: 'idle' }
  | { kind: 'confirm'; action: 'resume' | 'abort'; ids: string[]; labels: Record<string, string> }
  | { kind: 'dryrun'; ids: string[]; labels: Record<string, string>; items: DryRunItem[] }
  | { kind: 'running' | 'done'; action: BulkAction; ids: string[]; labels: Record<string, string>; results: Result[] };

const pastTense: Record<BulkAction, string> = { resume: 'resumed', abort: 'aborted', restore: 'restored' };

/**
 * Bulk resume / abort: one confirmation naming the count, then chunks of 10 sent one after another so the
 * progress bar moves and each item's outcome is listed (ok / already resolved by X / error).
 */
export function BulkBar({
  selected,
  total,
  filter,
  labels,
  perms,
  onDone,
}: {
  selected: string[];
  total: number;
  filter: ActiveFilter;
  labels: Record<string, string>;
  perms: Permissions;
  onDone: () => void;
}) {
  const router = useRouter();
  const [allMatching, setAllMatching] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const count = allMatching ? total : selected.length;

  async function begin(action: BulkAction) {
    setError(null);
    let ids = selected;
    if (allMatching) {
      const r = await matchingIdsAction(filter);
      if (!r.ok || !r.data) return setError(r.error ?? 'Could not list the matching interventions.');
      ids = r.data as string[];
    }
    if (!ids.length) return setError('Nothing to act on.');
    setNote('');
    if (action === 'restore') {
      // Dry run first: which have a valid checkpoint, which do not and why. Nothing changes yet.
      const items: DryRunItem[] = [];
      for (let i = 0; i < ids.length; i += 100) {
        const r = await bulkRestoreDryRunAction({ ids: ids.slice(i, i + 100) });
        if (!r.ok || !r.data) return setError(r.error ?? 'Could not check the checkpoints.');
        items.push(...(r.data as DryRunItem[]));
      }
      return setPhase({ kind: 'dryrun', ids, labels: { ...labels }, items });
    }
    // Labels as they are now: the rows leave the table while the run goes on.
    setPhase({ kind: 'confirm', action, ids, labels: { ...labels } });
  }

  async function run(action: BulkAction, ids: string[], labels: Record<string, string>) {
    let results: Result[] = [];
    setPhase({ kind: 'running', action, ids, labels, results });
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const r =
        action === 'restore'
          ? await bulkRestoreAction({ ids: chunk, note: note || undefined })
          : await (action === 'abort' ? bulkAbortAction : bulkResumeAction)({ action, ids: chunk, note: note || undefined });
      const part: Result[] = r.ok && r.data ? r.data : chunk.map((id) => ({ id, ok: false, message: r.error ?? 'Failed' }));
      results = [...results, ...part];
      setPhase({ kind: 'running', action, ids, labels, results });
    }
    setPhase({ kind: 'done', action, ids, labels, results });
    setAllMatching(false);
    onDone();
    router.refresh();
  }

  if (phase.kind === 'confirm') {
    const verb = phase.action === 'resume' ? 'Resume' : 'Abort';
    return (
      <div role="dialog" aria-label={`${verb} ${phase.ids.length} interventions`} className="mb-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
        <p className="font-medium">
          {verb} {phase.ids.length} intervention{phase.ids.length === 1 ? '' : 's'}?
        </p>
        <label className="mt-2 block text-xs font-medium text-slate-600">
          {phase.action === 'resume' ? 'Note for the agents (optional)' : 'Reason (optional)'}
          <input value={note} onChange={(e) => setNote(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
        </label>
        <div className="mt-2 flex gap-2">
          <Button size="sm" variant={phase.action === 'abort' ? 'danger' : 'primary'} onClick={() => run(phase.action, phase.ids, phase.labels)}>
            {verb} {phase.ids.length}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setPhase({ kind: 'idle' })}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  if (phase.kind === 'dryrun') {
    const ready = phase.items.filter((i): i is Extract<DryRunItem, { ok: true }> => i.ok);
    const approval = ready.filter((i) => i.awaitsApproval).length;
    return (
      <div role="dialog" aria-label={`Restore ${phase.ids.length} interventions`} className="mb-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
        <p className="font-medium" role="status">
          {ready.length} of {phase.ids.length} have a valid checkpoint{approval ? ` (${approval} in four-eyes projects: they will await approval)` : ''}.
        </p>
        <ul aria-label="Dry run" className="mt-2 max-h-48 space-y-0.5 overflow-y-auto text-xs">
          {phase.items.map((i) => (
            <li key={i.id} className={i.ok ? 'text-emerald-700' : 'text-red-700'}>
              {phase.labels[i.id] ?? i.id.slice(0, 8)}: {i.ok ? `from checkpoint #${i.sequence}` : i.message}
            </li>
          ))}
        </ul>
        <label className="mt-2 block text-xs font-medium text-slate-600">
          Note for the agents (optional)
          <input value={note} onChange={(e) => setNote(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
        </label>
        <div className="mt-2 flex gap-2">
          <Button size="sm" disabled={!ready.length} onClick={() => run('restore', ready.map((i) => i.id), phase.labels)}>
            Restore {ready.length}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setPhase({ kind: 'idle' })}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  if (phase.kind === 'running' || phase.kind === 'done') {
    const okCount = phase.results.filter((r) => r.ok).length;
    return (
      <div className="mb-3 rounded-lg border border-slate-200 bg-white p-3 text-sm">
        <div className="flex items-center gap-3">
          <progress aria-label="Bulk progress" value={phase.results.length} max={phase.ids.length} className="h-2 w-64" />
          <span role="status" className="tabular-nums">
            {phase.kind === 'running'
              ? `${phase.results.length} of ${phase.ids.length} processed…`
              : `Done: ${okCount} of ${phase.ids.length} ${pastTense[phase.action]}`}
          </span>
          {phase.kind === 'done' && (
            <Button size="sm" variant="ghost" onClick={() => setPhase({ kind: 'idle' })}>
              Close
            </Button>
          )}
        </div>
        <ul aria-label="Bulk results" className="mt-2 max-h-48 space-y-0.5 overflow-y-auto text-xs">
          {phase.results.map((r) => (
            <li key={r.id} className={r.ok ? 'text-emerald-700' : 'text-red-700'}>
              {phase.labels[r.id] ?? r.id.slice(0, 8)}: {r.ok ? (r.pending ? 'awaiting approval' : 'ok') : r.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }

  if (total === 0 && !error) return null; // nothing left to select

  return (
    <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600">
        {allMatching ? `All ${total} matching the filter selected` : count === 0 ? 'Tick rows to act on several at once' : `${selected.length} selected`}
      </span>
      {!allMatching && total > 0 && (
        <Button size="sm" variant="ghost" onClick={() => setAllMatching(true)}>
          Select all {total} matching the filter
        </Button>
      )}
      {allMatching && (
        <Button size="sm" variant="ghost" onClick={() => setAllMatching(false)}>
          Clear
        </Button>
      )}
      {perms.resume && (
        <Button size="sm" disabled={count === 0} onClick={() => begin('resume')}>
          Resume selected
        </Button>
      )}
      {perms.restore && (
        <Button size="sm" variant="secondary" disabled={count === 0} onClick={() => begin('restore')}>
          Restore selected
        </Button>
      )}
      {perms.abort && (
        <Button size="sm" variant="danger" disabled={count === 0} onClick={() => begin('abort')}>
          Abort selected
        </Button>
      )}
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
