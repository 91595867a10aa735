'use client';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { deletePolicyAction, setOnCallAction } from '../actions';

type Call = (input: Record<string, unknown>) => Promise<ActionResult>;

/** Deletes a policy after a confirmation; the pauses it governed stop escalating. */
export function DeletePolicyButton({ id, name }: { id: string; name: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="danger"
        size="sm"
        disabled={pending}
        // The policy's name is read out, not shown: it is the heading beside the button.
        aria-label={`Delete ${name}`}
        onClick={() => {
          if (!window.confirm(`Delete the policy "${name}"? Pauses it governs stop escalating.`)) return;
          start(async () => {
            const r = await (deletePolicyAction as unknown as Call)({ id });
            setError(r.error ?? null);
          });
        }}
      >
        Delete
      </Button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </span>
  );
}

/** One person's on-call tick for one role. */
export function OnCallToggle({ role, userId, email, onCall }: { role: string; userId: string; email: string; onCall: boolean }) {
  const [pending, start] = useTransition();
  const [checked, setChecked] = useState(onCall);
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="inline-flex items-center gap-1 text-sm">
      <input
        type="checkbox"
        checked={checked}
        disabled={pending}
        onChange={(e) => {
          const next = e.target.checked;
          setChecked(next);
          start(async () => {
            const r = await (setOnCallAction as unknown as Call)({ role, userId, onCall: next });
            if (r.error) {
              setChecked(!next);
              setError(r.error);
            } else setError(null);
          });
        }}
        aria-label={`${email} on call for ${role}`}
      />
      {email}
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </label>
  );
}
