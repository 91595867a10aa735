'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import type { SignoffRole } from '@/lib/db/schema/enums';
import {
  signDevelopmentAction,
  signDevopsAction,
  signProductionAction,
  signQaAction,
  voidDevelopmentAction,
  voidDevopsAction,
  voidProductionAction,
  voidQaAction,
} from '../../actions';
import { signNamedAction } from '../../release-actions';

type Action = (prev: ActionResult, fd: FormData) => Promise<ActionResult>;

const signActions: Record<SignoffRole, Action> = {
  development: signDevelopmentAction,
  qa: signQaAction,
  devops: signDevopsAction,
  production: signProductionAction,
};

const voidActions: Record<SignoffRole, Action> = {
  development: voidDevelopmentAction,
  qa: voidQaAction,
  devops: voidDevopsAction,
  production: voidProductionAction,
};

export function SignButton({
  checklistId,
  role,
  label,
  disabled,
  named,
}: {
  checklistId: string;
  role: SignoffRole;
  label: string;
  disabled: boolean;
  /** Signs through the door for people the policy names (their console role may not sign this role). */
  named?: boolean;
}) {
  const [state, action, pending] = useActionState(named ? signNamedAction : signActions[role], {});
  return (
    <form action={action} className="space-y-1.5">
      <input type="hidden" name="checklistId" value={checklistId} />
      {named && <input type="hidden" name="role" value={role} />}
      {!disabled && (
        <input
          name="note"
          aria-label={`Note for the ${label} sign-off`}
          placeholder="Note (optional)"
          maxLength={2000}
          className="block w-full rounded border border-slate-300 px-2 py-1 text-xs"
        />
      )}
      <Button type="submit" size="sm" disabled={disabled || pending} className="w-full">
        {pending ? 'Signing…' : `Sign ${label}`}
      </Button>
      {state.error && (
        <p role="alert" className="text-xs text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}

export function WithdrawSignoff({
  checklistId,
  signoffId,
  role,
  label,
}: {
  checklistId: string;
  signoffId: string;
  role: SignoffRole;
  label: string;
}) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(voidActions[role], {});
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="text-xs text-slate-500 underline hover:text-red-700">
        Withdraw…
      </button>
    );
  }
  return (
    <form action={action} className="space-y-1.5">
      <input type="hidden" name="checklistId" value={checklistId} />
      <input type="hidden" name="signoffId" value={signoffId} />
      <input
        name="reason"
        required
        aria-label={`Why withdraw the ${label} sign-off`}
        placeholder="Why? (required)"
        maxLength={2000}
        className="block w-full rounded border border-slate-300 px-2 py-1 text-xs"
      />
      <div className="flex gap-1.5">
        <Button type="submit" size="sm" variant="danger" disabled={pending}>
          {pending ? 'Withdrawing…' : `Withdraw ${label} sign-off`}
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
      {state.error && (
        <p role="alert" className="text-xs text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
