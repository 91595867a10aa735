'use client';
import { clsx } from 'clsx';
import type { InputHTMLAttributes, ReactNode } from 'react';
import type { ActionResult } from '@/lib/auth/guards';
import { Button } from './button';
import { InlineResult } from './inline-result';
import { useFormAction } from './use-form-action';

type Props = {
  action: (prev: ActionResult, fd: FormData) => Promise<ActionResult>;
  name: string;
  initial: string | null;
  /** The field's name as read aloud; shown above it unless `labelHidden` (a form inside a table row). */
  label: ReactNode;
  labelHidden?: boolean;
  /** Fields sent along unchanged (which user the value is for). */
  hidden?: Record<string, string>;
  input?: Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'placeholder' | 'className'>;
  disabled?: boolean;
  className?: string;
};

/**
 * A form of one field, its Save button and the answer beside it (the Slack member ID of a person, the fleet
 * channel's webhook URL). A refused value stays in the field (useFormAction).
 */
export function OneFieldForm({ action, name, initial, label, labelHidden, hidden, input, disabled, className }: Props) {
  const { state, formAction, pending, key, value } = useFormAction(action);
  const field = (
    <input
      name={name}
      type={input?.type}
      placeholder={input?.placeholder}
      defaultValue={value(name, initial)}
      disabled={disabled}
      aria-label={labelHidden && typeof label === 'string' ? label : undefined}
      aria-invalid={state.fieldErrors?.[name] ? true : undefined}
      className={clsx('rounded-md border border-slate-300 px-2 py-1 font-mono text-xs aria-[invalid=true]:border-red-500 disabled:bg-slate-50', input?.className, !labelHidden && 'mt-1 w-full')}
    />
  );
  return (
    <form key={key} action={formAction} noValidate className={clsx('flex flex-wrap items-end gap-2', className)}>
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {labelHidden ? (
        field
      ) : (
        <label className="min-w-0 flex-1 basis-64 text-xs font-medium text-slate-600">
          {label}
          {field}
        </label>
      )}
      <Button type="submit" size="sm" variant={labelHidden ? 'secondary' : 'primary'} disabled={pending || disabled}>
        {pending ? 'Saving…' : 'Save'}
      </Button>
      <InlineResult state={state} field={name} />
    </form>
  );
}
