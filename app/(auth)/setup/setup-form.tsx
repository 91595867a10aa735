'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { createFirstAdminAction } from './actions';

const inputClass =
  'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200';

export function SetupForm() {
  const [state, action, pending] = useActionState<ActionResult, FormData>(createFirstAdminAction, {});
  const err = (k: string) =>
    state.fieldErrors?.[k] ? <span className="mt-1 block text-xs text-red-700">{state.fieldErrors[k].join(' ')}</span> : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Email</span>
        <input name="email" type="email" required autoComplete="username" className={inputClass} />
        {err('email')}
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Name</span>
        <input name="name" type="text" autoComplete="name" className={inputClass} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Password</span>
        <input name="password" type="password" required minLength={12} autoComplete="new-password" className={inputClass} />
        {err('password')}
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Repeat password</span>
        <input name="confirm" type="password" required autoComplete="new-password" className={inputClass} />
        {err('confirm')}
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {state.error}
        </p>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : 'Create admin'}
      </Button>
    </form>
  );
}
