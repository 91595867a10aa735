import type { Metadata } from 'next';
import Link from 'next/link';
import { desc } from 'drizzle-orm';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { listApiTokens } from '@/lib/auth/tokens';
import { getDb } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import { formatDateTime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const me = await requirePageUser('console:read');
  const db = await getDb();
  const isAdmin = can(me.role, 'users:manage');
  const [users, tokens] = isAdmin
    ? await Promise.all([db.select().from(user).orderBy(desc(user.createdAt)).limit(200), listApiTokens(db)])
    : [[], []];
  return (
    <>
      <PageHeader title="Settings" description="Your account; for admins, people and API tokens." />
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
        <>
          <Card title={`People (${users.length})`} className="mt-6">
            <Table>
              <thead>
                <tr>
                  <Th>Email</Th>
                  <Th>Name</Th>
                  <Th>Role</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => (
                  <Tr key={u.id}>
                    <Td>{u.email}</Td>
                    <Td>{u.name}</Td>
                    <Td>
                      <Badge>{u.role}</Badge>
                    </Td>
                    <Td className="text-xs">{formatDateTime(u.createdAt)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
          <Card title={`API tokens (${tokens.length})`} className="mt-6">
            {tokens.length === 0 ? (
              <p className="text-sm text-slate-500">No API tokens. Create one with npm run token:create -- --name N --scopes ingest,control.</p>
            ) : (
              <Table>
                <thead>
                  <tr>
                    <Th>Name</Th>
                    <Th>Prefix</Th>
                    <Th>Scopes</Th>
                    <Th>Last used</Th>
                    <Th>State</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {tokens.map((t) => (
                    <Tr key={t.id}>
                      <Td>{t.name}</Td>
                      <Td className="font-mono text-xs">{t.prefix}…</Td>
                      <Td className="text-xs">{t.scopes.join(', ')}</Td>
                      <Td className="text-xs">{formatDateTime(t.lastUsedAt)}</Td>
                      <Td>{t.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Td>
                    </Tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
        </>
      )}
    </>
  );
}
