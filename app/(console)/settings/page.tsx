import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, Stat } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { isTokenUsable, listApiTokens } from '@/lib/auth/tokens';
import { listUsers } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { SettingsTabs } from './_components/settings-tabs';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const me = await requirePageUser('console:read');
  const isAdmin = can(me.role, 'users:manage');
  const db = await getDb();
  const [users, tokens] = isAdmin ? await Promise.all([listUsers(db), listApiTokens(db)]) : [[], []];
  const activeTokens = tokens.filter((t) => isTokenUsable(t));
  return (
    <>
      <PageHeader title="Settings" description="Your account; for admins, people, API tokens and the audit log." />
      <SettingsTabs user={me} active="/settings" />
      <Card title="You">
        <p className="text-sm">
          {me.name} · {me.email} · <Badge>{me.role}</Badge>
        </p>
        <p className="mt-2 text-sm">
          <Link href="/settings/notifications" className="font-medium text-indigo-700 hover:underline">
            Notification preferences →
          </Link>
        </p>
      </Card>
      {isAdmin && (
        <div className="mt-6 grid gap-4 sm:grid-cols-3">
          <Link href="/settings/users" className="block">
            <Stat label="Users" value={users.length} hint={`${users.filter((u) => u.banned).length} deactivated · manage people and roles`} />
          </Link>
          <Link href="/settings/tokens" className="block">
            <Stat label="API tokens" value={activeTokens.length} hint="active · create, revoke, last use" />
          </Link>
          <Link href="/settings/audit" className="block">
            <Stat label="Audit log" value="→" hint="sign-ins, role changes, tokens, interventions" />
          </Link>
        </div>
      )}
    </>
  );
}
