import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { countUsers } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up' };
export const dynamic = 'force-dynamic';

/** One-time: exists only while the database has no user; afterwards it is a 404. */
export default async function SetupPage() {
  if ((await countUsers(await getDb())) > 0) notFound();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6">
          <h1 className="text-xl font-semibold tracking-tight">✈ Set up Flightdeck</h1>
          <p className="mt-1 text-sm text-slate-500">
            Create the first admin. This page disappears once an account exists.
          </p>
        </div>
        <SetupForm />
      </div>
    </main>
  );
}
