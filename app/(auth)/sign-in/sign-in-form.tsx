'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/lib/auth/client';
import { Button } from '@/components/ui/button';

// Better Auth's codes for a request from an origin it does not trust (lib/auth/origin.ts decides which).
const ORIGIN_REFUSED = new Set(['INVALID_ORIGIN', 'MISSING_OR_NULL_ORIGIN', 'CROSS_SITE_NAVIGATION_LOGIN_BLOCKED']);

/**
 * `next` is already checked by the page (lib/auth/redirect.ts); `appOrigin` is APP_URL's origin, named when a
 * sign-in is refused because the page was opened at another address.
 */
export function SignInForm({ next, appOrigin }: { next: string; appOrigin: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const { error } = await authClient.signIn.email({
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    });
    setPending(false);
    if (error) {
      if (error.code && ORIGIN_REFUSED.has(error.code)) {
        setError(
          `Sign-in refused: this server does not accept sign-ins from ${window.location.origin}.` +
            (appOrigin && appOrigin !== window.location.origin ? ` Open ${appOrigin}/sign-in instead.` : ''),
        );
        return;
      }
      setError(
        error.status === 429
          ? 'Too many attempts. Wait a minute and try again.'
          : error.status === 401 || error.status === 403
            ? 'Email or password is wrong, or the account is deactivated.'
            : (error.message ?? 'Sign-in failed.'),
      );
      return;
    }
    router.replace(next);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Email</span>
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
        />
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
        />
      </label>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
