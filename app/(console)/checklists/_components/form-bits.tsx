import { FieldError } from '@/components/ui/field-error';

export { FieldError };

export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';

export function FormError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200">
      {error}
    </p>
  );
}

/** Version, environment and target date: what makes a checklist one release's. */
export function ReleaseFields({ errors }: { errors?: Record<string, string[]> }) {
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Version</span>
        <input name="version" placeholder="2.4.0" className={inputClass} />
        <FieldError errors={errors?.version} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Environment</span>
        <input name="environment" placeholder="production" className={inputClass} />
        <FieldError errors={errors?.environment} />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Target date</span>
        <input name="targetDate" type="date" className={inputClass} />
        <FieldError errors={errors?.targetDate} />
      </label>
    </div>
  );
}
