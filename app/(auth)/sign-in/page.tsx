import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/guards';
import { safeNextPath } from '@/lib/auth/redirect';
import { countUsers } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
// Depends on the database (is there a user yet?), so never prerendered at build time.
export const dynamic = 'force-dynamic';

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ setup?: string; next?: string | string[] }>;
}) {
  if ((await countUsers(await getDb())) === 0) redirect('/setup');
  const { setup, next: rawNext } = await searchParams;
  const next = safeNextPath(typeof rawNext === 'string' ? rawNext : null);
  if (await getCurrentUser()) redirect(next);
  const appUrl = env().APP_URL;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6">
          <div className="text-xl font-semibold tracking-tight">✈ Flightdeck</div>
          <p className="mt-1 text-sm text-slate-500">Sign in to run your agent fleet.</p>
        </div>
        {setup === 'done' && (
          <p role="status" className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            Admin created. Sign in with it.
          </p>
        )}
        <SignInForm next={next} appOrigin={appUrl ? new URL(appUrl).origin : null} />
      </div>
    </main>
  );
}
