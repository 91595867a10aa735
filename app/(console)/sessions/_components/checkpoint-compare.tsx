'use client';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { StateDiff } from '@/lib/checkpoints/diff';
import { diffCheckpointsAction } from '../checkpoint-actions';
import { DiffView } from './diff-view';

const PAGE = 50;

/** Compare this checkpoint with any other of its session, or with the agent's latest. Diffed on the server. */
export function CheckpointCompare({
  sessionId,
  checkpointId,
  others,
}: {
  sessionId: string;
  checkpointId: string;
  others: { id: string; sequence: number }[];
}) {
  const [toId, setToId] = useState('latest');
  const [limit, setLimit] = useState(PAGE);
  const [diff, setDiff] = useState<StateDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const load = (target: string, n: number) =>
    start(async () => {
      const r = await diffCheckpointsAction({ sessionId, fromId: checkpointId, toId: target, limit: n });
      if (r.ok && r.data) {
        setDiff(r.data.diff);
        setError(null);
      } else setError(r.error ?? 'Could not compare.');
    });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <label className="text-xs font-medium text-slate-600">
          Compare with
          <select aria-label="Compare with" value={toId} onChange={(e) => setToId(e.target.value)} className="ml-2 rounded-md border border-slate-300 px-2 py-1 text-sm">
            <option value="latest">the agent&apos;s latest</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                #{o.sequence}
              </option>
            ))}
          </select>
        </label>
        <Button
          size="sm"
          variant="secondary"
          disabled={pending}
          onClick={() => {
            setLimit(PAGE);
            load(toId, PAGE);
          }}
        >
          {pending ? 'Comparing…' : 'Compare'}
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
      {diff && (
        <DiffView
          diff={diff}
          loading={pending}
          onMore={() => {
            setLimit(limit + PAGE);
            load(toId, limit + PAGE);
          }}
        />
      )}
    </div>
  );
}
