import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/guards';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage() {
  if (await getCurrentUser()) redirect('/overview');
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <div className="mb-6">
          <div className="text-xl font-semibold tracking-tight">✈ Flightdeck</div>
          <p className="mt-1 text-sm text-slate-500">Sign in to run your agent fleet.</p>
        </div>
        <SignInForm />
      </div>
    </main>
  );
}
