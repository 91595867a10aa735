'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { revokeTokenAction } from '../actions';

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(revokeTokenAction, {});
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!confirm(`Revoke the token “${name}”? Agents using it are refused at once.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <Button type="submit" size="sm" variant="danger" disabled={pending} aria-label={`Revoke ${name}`}>
        {pending ? 'Revoking…' : 'Revoke'}
      </Button>
      {state.error && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
