'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { useFormAction } from '@/components/ui/use-form-action';
import { roleLabel } from '@/lib/checklists/markdown';
import { signoffRoles, type SignoffRole } from '@/lib/db/schema/enums';
import { setPolicyAction } from '../../release-actions';

type RoleSettings = { count: number; consoleRoles: string[]; users: string[] };
const consoleRoles = ['admin', 'engineer', 'qa', 'manager'] as const;

/** The template editor's policy form: required roles, people per role, who may sign, the self-review rules. */
export function PolicyForm(props: {
  templateId: string;
  required: SignoffRole[];
  noSelfReview: boolean;
  oneRolePerPerson: boolean;
  roles: Record<string, RoleSettings>;
}) {
  const [open, setOpen] = useState(false);
  const { state, formAction, pending, key, value, checked } = useFormAction(setPolicyAction);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="mt-2 text-xs text-indigo-700 underline">
        Edit approval policy
      </button>
    );
  }
  return (
    <form key={key} action={formAction} className="mt-3 space-y-3 text-xs" aria-label="Approval policy">
      <input type="hidden" name="templateId" value={props.templateId} />
      {signoffRoles.map((r) => {
        const label = roleLabel(r);
        const s = props.roles[r];
        return (
          <fieldset key={r} className="rounded border border-slate-200 p-2">
            <legend className="px-1 font-medium">{label}</legend>
            <label className="flex items-center gap-1.5">
              <input type="checkbox" name={`required.${r}`} defaultChecked={checked(`required.${r}`, props.required.includes(r))} /> Required
            </label>
            <label className="mt-1 flex items-center gap-1.5">
              People needed
              <input
                type="number"
                name={`count.${r}`}
                min={1}
                max={10}
                defaultValue={value(`count.${r}`, s.count)}
                aria-label={`People needed for ${label}`}
                className="w-14 rounded border border-slate-300 px-1"
              />
            </label>
            <div className="mt-1 flex flex-wrap gap-2" aria-label={`Console roles that may sign ${label}`}>
              {consoleRoles.map((c) => (
                <label key={c} className="flex items-center gap-1">
                  <input type="checkbox" name={`roles.${r}`} value={c} defaultChecked={checked(`roles.${r}`, s.consoleRoles.includes(c), c)} /> {c}
                </label>
              ))}
            </div>
            <input
              name={`users.${r}`}
              defaultValue={value(`users.${r}`, s.users.join(', '))}
              placeholder="Named signers (emails)"
              aria-label={`Named signers of ${label}`}
              className="mt-1 block w-full rounded border border-slate-300 px-2 py-1"
            />
            {state.fieldErrors?.[`policy.roles.${r}.users`] && (
              <p className="text-red-700">{state.fieldErrors[`policy.roles.${r}.users`].join(' ')}</p>
            )}
          </fieldset>
        );
      })}
      <label className="flex items-center gap-1.5">
        <input type="checkbox" name="oneRolePerPerson" defaultChecked={checked('oneRolePerPerson', props.oneRolePerPerson)} /> A different person for each role
      </label>
      <label className="flex items-center gap-1.5">
        <input type="checkbox" name="noSelfReview" defaultChecked={checked('noSelfReview', props.noSelfReview)} /> No self-review
      </label>
      <div className="flex gap-1.5">
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? 'Saving…' : 'Save policy'}
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
      {state.ok && <p role="status" className="text-emerald-700">Policy saved.</p>}
      {state.error && (
        <p role="alert" className="text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
