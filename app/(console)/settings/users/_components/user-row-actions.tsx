'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { roles } from '@/lib/db/schema/enums';
import { changeRoleAction, setUserActiveAction } from '../actions';

type Row = { id: string; email: string; role: string; active: boolean };

export function UserRowActions({ user, isSelf }: { user: Row; isSelf: boolean }) {
  const [roleState, changeRole, rolePending] = useActionState<ActionResult, FormData>(changeRoleAction, {});
  const [activeState, setActive, activePending] = useActionState<ActionResult, FormData>(setUserActiveAction, {});
  const error = roleState.error ?? activeState.error;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={changeRole} className="flex items-center gap-1">
        <input type="hidden" name="userId" value={user.id} />
        <select
          name="role"
          defaultValue={user.role}
          aria-label={`Role of ${user.email}`}
          className="rounded-md border border-slate-300 px-2 py-1 text-xs"
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <Button type="submit" size="sm" variant="secondary" disabled={rolePending} aria-label={`Change role of ${user.email}`}>
          {rolePending ? 'Saving…' : 'Change role'}
        </Button>
      </form>
      {!isSelf && (
        <form action={setActive}>
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="active" value={user.active ? 'false' : 'true'} />
          <Button
            type="submit"
            size="sm"
            variant={user.active ? 'danger' : 'secondary'}
            disabled={activePending}
            aria-label={`${user.active ? 'Deactivate' : 'Reactivate'} ${user.email}`}
          >
            {user.active ? 'Deactivate' : 'Reactivate'}
          </Button>
        </form>
      )}
      {error && (
        <p role="alert" className="w-full text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
