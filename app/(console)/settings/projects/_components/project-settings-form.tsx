'use client';
import { Button } from '@/components/ui/button';
import { FieldError } from '@/components/ui/field-error';
import { useFormAction } from '@/components/ui/use-form-action';
import { saveProjectSettingsAction } from '../actions';

const inputClass =
  'mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm tabular-nums focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200';

type Values = {
  heartbeatTimeoutS: number | null;
  sessionBudgetCostUsd: number | null;
  sessionBudgetTokens: number | null;
  dailyBudgetCostUsd: number | null;
  dailyBudgetTokens: number | null;
};

const fields: Array<{ name: keyof Values; label: string; step: string; placeholder: (defaultTimeoutS: number) => string }> = [
  { name: 'heartbeatTimeoutS', label: 'Heartbeat timeout (s)', step: '1', placeholder: (d) => `${d} (default)` },
  { name: 'sessionBudgetCostUsd', label: 'Per session, USD', step: 'any', placeholder: () => 'no limit' },
  { name: 'sessionBudgetTokens', label: 'Per session, tokens', step: '1', placeholder: () => 'no limit' },
  { name: 'dailyBudgetCostUsd', label: 'Per day, USD', step: 'any', placeholder: () => 'no limit' },
  { name: 'dailyBudgetTokens', label: 'Per day, tokens', step: '1', placeholder: () => 'no limit' },
];

/** One project's heartbeat timeout and budgets; empty fields mean the default. `project` null: a new project by name. */
export function ProjectSettingsForm({ project, values, defaultTimeoutS }: { project: string | null; values: Values | null; defaultTimeoutS: number }) {
  const { state, formAction, pending, key, value } = useFormAction(saveProjectSettingsAction);
  const id = (name: string) => `${project ?? 'new'}-${name}`;
  return (
    <form key={key} action={formAction} className="grid gap-3 sm:grid-cols-6 sm:items-end" noValidate aria-label={project ? `Settings of ${project}` : 'A project by name'}>
      {project ? (
        <input type="hidden" name="project" value={project} />
      ) : (
        <label className="block text-sm" htmlFor={id('project')}>
          <span className="font-medium text-slate-700">Project</span>
          <input id={id('project')} name="project" required defaultValue={value('project')} className={inputClass} />
          <FieldError errors={state.fieldErrors?.project} />
        </label>
      )}
      {fields.map((f) => (
        <label key={f.name} className="block text-sm" htmlFor={id(f.name)}>
          <span className="font-medium text-slate-700">{f.label}</span>
          <input
            id={id(f.name)}
            name={f.name}
            type="number"
            min="0"
            step={f.step}
            inputMode="decimal"
            defaultValue={value(f.name, values?.[f.name])}
            placeholder={f.placeholder(defaultTimeoutS)}
            className={inputClass}
          />
          <FieldError errors={state.fieldErrors?.[f.name]} />
        </label>
      ))}
      <div className="flex items-center gap-3 sm:col-span-6">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </Button>
        {state.error && (
          <p role="alert" className="text-sm text-red-700">
            {state.error}
          </p>
        )}
        {state.ok && (
          <p role="status" className="text-sm text-emerald-700">
            Saved.
          </p>
        )}
      </div>
    </form>
  );
}

