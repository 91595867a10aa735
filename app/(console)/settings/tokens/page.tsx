import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { listApiTokens } from '@/lib/auth/tokens';
import { getDb } from '@/lib/db/client';
import { formatDateTime } from '@/lib/ui/format';
import { CreateAndListPage } from '../_components/settings-tabs';
import { CreateTokenForm } from './_components/create-token-form';
import { RevokeTokenButton } from './_components/revoke-token-button';

export const metadata: Metadata = { title: 'API tokens · Settings' };

function tokenState(t: { revokedAt: Date | null; expiresAt: Date | null }) {
  if (t.revokedAt) return <Badge tone="red">revoked</Badge>;
  if (t.expiresAt && t.expiresAt.getTime() <= Date.now()) return <Badge tone="gray">expired</Badge>;
  return <Badge tone="green">active</Badge>;
}

export default async function TokensPage() {
  const me = await requirePageUser('tokens:manage');
  const tokens = await listApiTokens(await getDb());
  return (
    <CreateAndListPage
      user={me}
      active="/settings/tokens"
      title="API tokens"
      description="Tokens for agents (ingest, control) and scrapers (metrics, read)."
      createTitle="Create a token"
      createForm={<CreateTokenForm />}
      listTitle={`Tokens (${tokens.length})`}
    >
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens yet">
          Create one above, or from a terminal with npm run token:create -- --name N --scopes ingest,control.
        </EmptyState>
      ) : (
        <Table>
          <TableHead columns={['Name', 'Prefix', 'Scopes', 'Created', 'Expires', 'Last used', 'State']} actions />
          <tbody className="divide-y divide-slate-100">
            {tokens.map((t) => (
              <Tr key={t.id}>
                <Td>{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td className="text-xs">{t.scopes.join(', ')}</Td>
                <Td className="text-xs">{formatDateTime(t.createdAt)}</Td>
                <Td className="text-xs">{t.expiresAt ? formatDateTime(t.expiresAt) : 'never'}</Td>
                <Td className="text-xs">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</Td>
                <Td>{tokenState(t)}</Td>
                <Td>{!t.revokedAt && <RevokeTokenButton id={t.id} name={t.name} />}</Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </CreateAndListPage>
  );
}
