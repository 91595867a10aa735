'use client';
import type { ReactNode } from 'react';
import type { ActionResult } from '@/lib/auth/guards';
import { Button } from './button';
import { Modal } from './modal';

/**
 * A confirmation for a server action: the form (hidden ids, the caller's fields, the server's refusal as it words
 * it, Cancel / Confirm), then, once the server said yes, what happened and Close. The caller owns the
 * useActionState triple, so it can word the outcome from the action's data.
 */
export function ConfirmDialog<T>({
  open,
  onClose,
  title,
  state,
  action,
  pending,
  hidden,
  done,
  confirmLabel,
  pendingLabel,
  variant = 'primary',
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  state: ActionResult<T>;
  action: (form: FormData) => void;
  pending: boolean;
  hidden: Record<string, string>;
  /** What the status line says after success. */
  done: (data: T | undefined) => ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  variant?: 'primary' | 'danger';
  children: ReactNode;
}) {
  return (
    <Modal open={open} onClose={onClose} title={title}>
      {state.ok && !pending ? (
        <div className="space-y-3 text-sm">
          <p role="status" className="text-emerald-700">
            {done(state.data)}
          </p>
          <div className="flex justify-end">
            <Button type="button" variant="secondary" onClick={onClose}>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <form action={action} className="space-y-3 text-sm">
          {Object.entries(hidden).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          {children}
          {state.error && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700">
              {state.error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant={variant} disabled={pending}>
              {pending ? pendingLabel : confirmLabel}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
