import { clsx } from 'clsx';
import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

/** `btn`, `btn-sm|md`, `btn-<variant>`: app/globals.css (buttons repeat on every row of the inbox). */
export function Button({
  variant = 'primary',
  size = 'md',
  className,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'sm' | 'md' }) {
  return (
    <button
      {...props}
      className={clsx('btn', size === 'sm' ? 'btn-sm' : 'btn-md', `btn-${variant}`, className)}
    />
  );
}
