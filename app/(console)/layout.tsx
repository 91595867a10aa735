import Link from 'next/link';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { countUnreadNotifications } from '@/lib/interventions/notifications';
import { countActiveInterventions } from '@/lib/interventions/queries';
import { LiveNav } from './_components/live-nav';
import { Providers } from './_components/providers';
import { Sidebar } from './_components/sidebar';
import { SignOutButton } from './_components/sign-out-button';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  const db = await getDb();
  const [activeInterventions, unreadNotifications] = await Promise.all([
    countActiveInterventions(db),
    countUnreadNotifications(db, { userId: user.id }),
  ]);
  return (
    <Providers>
      <div className="flex min-h-screen flex-col md:flex-row">
        <Sidebar
          brand={
            <Link href="/overview" className="px-3 text-lg font-semibold tracking-tight text-white">
              ✈ Flightdeck
            </Link>
          }
        >
          <LiveNav role={user.role} initial={{ activeInterventions, unreadNotifications }} />
          <div className="mt-4 border-t border-slate-800 px-3 pt-3 md:mt-auto">
            <div className="truncate text-sm text-slate-200" title={user.email}>
              {user.name}
            </div>
            <div className="mb-2 text-xs text-slate-400">
              {user.email} · <span data-testid="current-role">{user.role}</span>
            </div>
            <SignOutButton />
          </div>
        </Sidebar>
        <main className="min-w-0 flex-1 px-4 py-4 md:px-8 md:py-6">{children}</main>
      </div>
    </Providers>
  );
}
