'use client';

/** A GET form whose selects apply on change: filters live in the URL, so a filtered view can be shared. */
export function FilterForm({ children, action }: { children: React.ReactNode; action: string }) {
  return (
    <form
      method="get"
      action={action}
      role="search"
      aria-label="Filters"
      className="mb-4 flex flex-wrap items-end gap-3"
      onChange={(e) => {
        const el = e.target as HTMLElement;
        if (el.tagName === 'SELECT') (e.currentTarget as HTMLFormElement).requestSubmit();
      }}
    >
      {children}
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50">
        Apply
      </button>
    </form>
  );
}

export function FilterSelect({
  name,
  label,
  value,
  options,
  emptyLabel = 'All',
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  /** The first option's text, the value when nothing is chosen. */
  emptyLabel?: string;
}) {
  return (
    <label className="flex flex-col text-xs font-medium text-slate-600">
      {label}
      <select name={name} defaultValue={value ?? ''} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800">
        <option value="">{emptyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
