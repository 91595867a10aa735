'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { tokenScopes } from '@/lib/auth/permissions';
import { createTokenAction } from '../actions';

type Created = { token: string; name: string; prefix: string };

const scopeHelp: Record<(typeof tokenScopes)[number], string> = {
  ingest: 'report sessions, events, checkpoints',
  control: 'pause and read decisions; with read, decide over MCP as you',
  metrics: 'scrape /api/metrics',
  read: 'read sessions and interventions',
  checklists: 'create release checklists, wait on their gate, mark them deployed',
};

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<ActionResult<Created>, FormData>(createTokenAction, {});
  return (
    <div className="space-y-4">
      {state.ok && state.data && <NewTokenBox key={state.data.token} created={state.data} />}
      <form action={action} className="grid gap-4 sm:grid-cols-4 sm:items-start" noValidate>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Name</span>
          <input
            name="name"
            type="text"
            required
            autoComplete="off"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          />
          {state.fieldErrors?.name && <span className="mt-1 block text-xs text-red-700">{state.fieldErrors.name.join(' ')}</span>}
        </label>
        <fieldset className="text-sm sm:col-span-2">
          <legend className="font-medium text-slate-700">Scopes</legend>
          <div className="mt-1 grid grid-cols-2 gap-1">
            {tokenScopes.map((s) => (
              <label key={s} className="flex items-center gap-2">
                <input type="checkbox" name="scopes" value={s} defaultChecked={s === 'ingest' || s === 'control'} />
                <span>
                  {s} <span className="text-xs text-slate-500">· {scopeHelp[s]}</span>
                </span>
              </label>
            ))}
          </div>
          {state.fieldErrors?.scopes && <span className="mt-1 block text-xs text-red-700">{state.fieldErrors.scopes.join(' ')}</span>}
        </fieldset>
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Expires after (days)</span>
          <input
            name="expiresDays"
            type="number"
            min={1}
            max={3650}
            placeholder="never"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
          />
          {state.fieldErrors?.expiresDays && (
            <span className="mt-1 block text-xs text-red-700">{state.fieldErrors.expiresDays.join(' ')}</span>
          )}
        </label>
        <div className="flex items-center gap-3 sm:col-span-4">
          <Button type="submit" disabled={pending}>
            {pending ? 'Creating…' : 'Create token'}
          </Button>
          {state.error && (
            <p role="alert" className="text-sm text-red-700">
              {state.error}
            </p>
          )}
        </div>
      </form>
    </div>
  );
}

/** The secret, once: it is not stored in clear, so closing or reloading the page loses it for good. */
function NewTokenBox({ created }: { created: Created }) {
  const [copied, setCopied] = useState(false);
  const [open, setOpen] = useState(true);
  if (!open) return null;
  return (
    <div role="region" aria-label="New API token" className="rounded-lg border border-emerald-300 bg-emerald-50 p-4">
      <p className="text-sm font-medium text-emerald-900">
        Token “{created.name}” created. Copy it now: it will not be shown again.
      </p>
      <div className="mt-2 flex gap-2">
        <input
          readOnly
          value={created.token}
          aria-label="API token value"
          onFocus={(e) => e.currentTarget.select()}
          className="w-full rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-xs"
        />
        <Button
          type="button"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(created.token).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
          Done
        </Button>
      </div>
    </div>
  );
}
