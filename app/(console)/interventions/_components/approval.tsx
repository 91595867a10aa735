'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { decideRestoreAction } from '../actions';

/**
 * Four-eyes: "awaiting approval" on an inbox row, with Approve / Reject for an engineer. The server refuses the
 * requester's own approval and an approval of a pause resolved meanwhile; the refusal is shown here as worded.
 */
export function AwaitingApproval({ requestId, requestedBy, canDecide, label }: { requestId: string; requestedBy: string | null; canDecide: boolean; label: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const decide = (decision: 'approve' | 'reject') =>
    start(async () => {
      const r = await decideRestoreAction({ requestId, decision });
      if (r.ok) {
        setMessage({ ok: true, text: decision === 'approve' ? 'Approved: the agent receives the restore.' : 'Rejected.' });
        router.refresh();
      } else setMessage({ ok: false, text: r.error ?? 'Failed' });
    });
  return (
    // Narrow, so the Type column it sits in does not push Assigned under the pinned Actions column at desktop width.
    <div className="mt-1 max-w-[8.5rem] space-y-1">
      <Badge tone="violet">awaiting approval</Badge>
      <div className="text-xs text-slate-500 wrap-anywhere">restore requested by {requestedBy ?? '—'}</div>
      {canDecide && (
        <div className="flex gap-1">
          <Button type="button" size="sm" disabled={pending} onClick={() => decide('approve')}>
            Approve<span className="sr-only"> restore of {label}</span>
          </Button>
          <Button type="button" size="sm" variant="ghost" disabled={pending} onClick={() => decide('reject')}>
            Reject<span className="sr-only"> restore of {label}</span>
          </Button>
        </div>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-xs text-emerald-700' : 'text-xs text-red-700'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
