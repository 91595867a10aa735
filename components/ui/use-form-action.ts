'use client';
import { useActionState } from 'react';
import type { ActionResult } from '@/lib/auth/guards';

type FormAction<T> = (prev: ActionResult<T>, fd: FormData) => Promise<ActionResult<T>>;
type Scalar = string | number | null | undefined;

/**
 * `useActionState` for a `<form action>` that keeps what the person typed when the server refuses it.
 *
 * React 19 resets a form once its action has run, whatever the answer: without this a refused save ("Must be
 * greater than 0") came back with its error beside fields that had gone back to the page's values. The submitted
 * FormData stays in the browser (nothing is echoed by the server, so a webhook URL or password is not sent back)
 * and becomes the fields' defaults until a save succeeds; `key` changes with every answer, so the form is mounted
 * again with those defaults (a select's or a checkbox's default only counts at mount).
 */
export function useFormAction<T = undefined>(action: FormAction<T>) {
  const [state, formAction, pending] = useActionState<ActionResult<T> & { submitted?: FormData; round: number }, FormData>(
    async ({ submitted: _submitted, round, ...prev }, fd) => {
      const result = await action(prev, fd);
      return { ...result, submitted: result.ok ? undefined : fd, round: round + 1 };
    },
    { round: 0 },
  );
  const { submitted, round, ...result } = state;
  return {
    state: result as ActionResult<T>,
    formAction,
    pending,
    key: round,
    /** A text field's default: what was sent if the save was refused, else `initial`. */
    value: (name: string, initial?: Scalar) => (submitted ? String(submitted.get(name) ?? '') : initial == null ? '' : String(initial)),
    /** A checkbox's default, the same way (`value` for a group of boxes sharing a name). */
    checked: (name: string, initial: boolean, value = 'on') => (submitted ? submitted.getAll(name).includes(value) : initial),
  };
}
