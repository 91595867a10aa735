'use client';
import { startTransition, useActionState, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import type { ActionResult } from '@/lib/auth/guards';
import { pauseTypes, roles } from '@/lib/db/schema/enums';
import type { EscalationStep } from '@/lib/db/schema/escalation';
import { fieldLabel } from '@/lib/escalation/schemas';
import { savePolicyAction } from '../actions';

/** A policy as the page sends it to the browser. */
export type PolicyView = { id: string; name: string; enabled: boolean; projects: string[]; pauseTypes: string[]; steps: EscalationStep[] };
type StepDraft = { kind: 'notify' | 'reassign'; afterMinutes: string; users: string; role: string; channelId: string; toUser: string; onCallRole: string };
type Channel = { id: string; label: string };

const inputCls = 'mt-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-500';
const labelCls = 'text-xs font-medium text-slate-600';
const blankStep: StepDraft = { kind: 'notify', afterMinutes: '15', users: '', role: '', channelId: '', toUser: '', onCallRole: '' };
const isDecision = (s: EscalationStep) => s.kind === 'resume' || s.kind === 'abort' || s.kind === 'restore';

function draftsOf(policy?: PolicyView) {
  const steps = (policy?.steps ?? []).filter((s) => !isDecision(s));
  const last = policy?.steps.at(-1);
  return {
    steps: steps.map(
      (s): StepDraft => ({
        ...blankStep,
        kind: s.kind as StepDraft['kind'],
        afterMinutes: String(Math.round(s.afterSeconds / 60)),
        ...(s.kind === 'notify' ? { users: s.users.join(', '), role: s.role ?? '', channelId: s.channelId ?? '' } : {}),
        ...(s.kind === 'reassign' ? { toUser: s.toUser ?? '', onCallRole: s.onCallRole ?? '' } : {}),
      }),
    ),
    defaultAction: last && isDecision(last) ? last.kind : 'none',
    defaultAfterMinutes: last && isDecision(last) ? String(Math.round(last.afterSeconds / 60)) : '',
  };
}

/**
 * One escalation policy: what it matches, its ordered steps, its default action. Sent as a plain object (arrays
 * of steps do not fit a flat form); the server parses it with the same schema and answers field by field, and the
 * form shows each message beside its field and, named, in a summary at the top.
 */
export function PolicyForm({ policy, channels }: { policy?: PolicyView; channels: Channel[] }) {
  const initial = draftsOf(policy);
  const [steps, setSteps] = useState<StepDraft[]>(initial.steps.length || policy ? initial.steps : [blankStep]);
  const [defaultAction, setDefaultAction] = useState<string>(initial.defaultAction);
  const [state, formAction, pending] = useActionState<ActionResult, Record<string, unknown>>(
    (prev, input) => (savePolicyAction as (p: ActionResult, i: Record<string, unknown>) => Promise<ActionResult>)(prev, input),
    {},
  );
  const prefix = policy ? `policy-${policy.id}` : 'policy-new';
  const errorOf = (path: string) => state.fieldErrors?.[path]?.[0];
  const field = (path: string) => ({
    id: `${prefix}-${path}`,
    'aria-invalid': errorOf(path) ? true : undefined,
    'aria-describedby': errorOf(path) ? `${prefix}-${path}-error` : undefined,
  });
  const err = (path: string) =>
    errorOf(path) && (
      <span id={`${prefix}-${path}-error`} className="text-red-700">
        {fieldLabel(path)}: {errorOf(path)}
      </span>
    );
  const update = (i: number, patch: Partial<StepDraft>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    startTransition(() =>
      formAction({
        id: policy?.id ?? '',
        name: fd.get('name'),
        enabled: fd.get('enabled') === 'on',
        projects: fd.get('projects'),
        pauseTypes: fd.getAll('pauseTypes'),
        steps,
        defaultAction,
        defaultAfterMinutes: fd.get('defaultAfterMinutes') ?? '',
      }),
    );
  };

  const title = policy ? `Policy ${policy.name}` : 'New policy';
  return (
    <form onSubmit={submit} aria-label={title} noValidate className="space-y-3 rounded-lg border border-slate-200 p-3">
      {state.error && (
        <div role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800">
          <p>{state.error}</p>
          {state.fieldErrors && (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(state.fieldErrors).map(([path, msgs]) => (
                <li key={path}>
                  {fieldLabel(path)}: {msgs[0]}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state.ok && !pending && (
        <p role="status" className="text-sm text-green-700">
          Saved.
        </p>
      )}
      <div className="flex flex-wrap gap-4">
        <label className={`min-w-48 flex-1 ${labelCls}`}>
          Name
          <input name="name" defaultValue={policy?.name ?? ''} className={inputCls} {...field('name')} />
          {err('name')}
        </label>
        <label className={`min-w-48 flex-1 ${labelCls}`}>
          Projects (comma-separated, empty = all)
          <input name="projects" defaultValue={policy?.projects.join(', ') ?? ''} className={inputCls} {...field('projects')} />
          {err('projects')}
        </label>
        <label className={`inline-flex items-center gap-1 self-end ${labelCls}`}>
          <input type="checkbox" name="enabled" defaultChecked={policy?.enabled ?? true} /> Enabled
        </label>
      </div>
      <fieldset className="text-xs text-slate-600">
        <legend className="font-medium">Pause types (none ticked = all)</legend>
        <div className="mt-1 flex flex-wrap gap-3">
          {pauseTypes.map((t) => (
            <label key={t} className="inline-flex items-center gap-1">
              <input type="checkbox" name="pauseTypes" value={t} defaultChecked={policy?.pauseTypes.includes(t)} /> {t.replace(/_/g, ' ')}
            </label>
          ))}
        </div>
      </fieldset>
      <ol className="space-y-2">
        {steps.map((s, i) => {
          const p = (f: string) => `steps.${i}.${f}`;
          const n = i + 1;
          return (
            <li key={i} className="flex flex-wrap items-start gap-3 rounded-md bg-slate-50 p-2">
              <label className={labelCls}>
                Step {n} · action
                <select value={s.kind} onChange={(e) => update(i, { kind: e.target.value as StepDraft['kind'] })} className={inputCls} {...field(p('kind'))}>
                  <option value="notify">Notify</option>
                  <option value="reassign">Reassign</option>
                </select>
              </label>
              <label className={`w-36 ${labelCls}`}>
                Step {n} · after (minutes)
                <input inputMode="numeric" value={s.afterMinutes} onChange={(e) => update(i, { afterMinutes: e.target.value })} className={inputCls} {...field(p('afterMinutes'))} />
                {err(p('afterMinutes'))}
              </label>
              {s.kind === 'notify' ? (
                <>
                  <label className={`min-w-48 flex-1 ${labelCls}`}>
                    Step {n} · people (emails)
                    <input value={s.users} onChange={(e) => update(i, { users: e.target.value })} className={inputCls} {...field(p('users'))} />
                    {err(p('users'))}
                  </label>
                  <label className={labelCls}>
                    Step {n} · role
                    <select value={s.role} onChange={(e) => update(i, { role: e.target.value })} className={inputCls} {...field(p('role'))}>
                      <option value="">—</option>
                      {roles.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </label>
                  <label className={labelCls}>
                    Step {n} · channel
                    <select value={s.channelId} onChange={(e) => update(i, { channelId: e.target.value })} className={inputCls} {...field(p('channelId'))}>
                      <option value="">—</option>
                      {channels.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                    {err(p('channelId'))}
                  </label>
                </>
              ) : (
                <>
                  <label className={`min-w-48 flex-1 ${labelCls}`}>
                    Step {n} · reassign to (email)
                    <input value={s.toUser} onChange={(e) => update(i, { toUser: e.target.value })} className={inputCls} {...field(p('toUser'))} />
                    {err(p('toUser'))}
                  </label>
                  <label className={labelCls}>
                    Step {n} · or on call for
                    <select value={s.onCallRole} onChange={(e) => update(i, { onCallRole: e.target.value })} className={inputCls} {...field(p('onCallRole'))}>
                      <option value="">—</option>
                      {roles.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </label>
                </>
              )}
              <Button type="button" variant="ghost" size="sm" className="self-end" onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}>
                Remove step {n}
              </Button>
            </li>
          );
        })}
      </ol>
      {err('steps')}
      <Button type="button" variant="secondary" size="sm" onClick={() => setSteps((all) => [...all, blankStep])} disabled={steps.length >= 10}>
        Add step
      </Button>
      <div className="flex flex-wrap gap-4">
        <label className={labelCls}>
          Default action
          <select value={defaultAction} onChange={(e) => setDefaultAction(e.target.value)} className={inputCls}>
            <option value="none">None (keep waiting)</option>
            <option value="resume">Resume</option>
            <option value="abort">Abort</option>
            <option value="restore">Restore from the last valid checkpoint</option>
          </select>
        </label>
        {defaultAction !== 'none' && (
          <label className={`w-44 ${labelCls}`}>
            Default action · after (minutes)
            <input name="defaultAfterMinutes" inputMode="numeric" defaultValue={initial.defaultAfterMinutes} className={inputCls} {...field('defaultAfterMinutes')} />
            {err('defaultAfterMinutes')}
          </label>
        )}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : policy ? 'Save policy' : 'Create policy'}
      </Button>
    </form>
  );
}
