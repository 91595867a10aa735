'use client';
import { useActionState, useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError } from '@/components/ui/field-error';
import type { ActionResult } from '@/lib/auth/guards';
import { roles } from '@/lib/db/schema/enums';
import { createUserAction } from '../actions';

const inputClass =
  'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200';


export function CreateUserForm() {
  const [state, action, pending] = useActionState<ActionResult, FormData>(createUserAction, {});
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) form.current?.reset();
  }, [state]);
  return (
    <form ref={form} action={action} className="grid gap-4 sm:grid-cols-5 sm:items-end" noValidate>
      <label className="block text-sm sm:col-span-2">
        <span className="font-medium text-slate-700">Email</span>
        <input name="email" type="email" required autoComplete="off" className={inputClass} />
        <FieldError errors={state.fieldErrors?.email} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Name</span>
        <input name="name" type="text" autoComplete="off" className={inputClass} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Role</span>
        <select name="role" defaultValue="viewer" className={inputClass}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Initial password</span>
        <input name="password" type="password" required minLength={12} autoComplete="new-password" className={inputClass} />
        <FieldError errors={state.fieldErrors?.password} />
      </label>
      <div className="flex items-center gap-3 sm:col-span-5">
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create user'}
        </Button>
        {state.error && (
          <p role="alert" className="text-sm text-red-700">
            {state.error}
          </p>
        )}
        {state.ok && (
          <p role="status" className="text-sm text-emerald-700">
            User created. Give them the initial password through a safe channel.
          </p>
        )}
      </div>
    </form>
  );
}
