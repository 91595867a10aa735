import type { ActionResult } from '@/lib/auth/guards';

/** A small form's answer beside its button: the field's error (or the form's), or "Saved." */
export function InlineResult({ state, field }: { state: ActionResult; field: string }) {
  if (state.error) {
    return (
      <span role="alert" className="text-xs text-red-700">
        {state.fieldErrors?.[field]?.[0] ?? state.error}
      </span>
    );
  }
  if (state.ok) {
    return (
      <span role="status" className="text-xs text-emerald-700">
        Saved.
      </span>
    );
  }
  return null;
}
