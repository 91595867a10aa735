import type { Metadata } from 'next';
import { sql } from 'drizzle-orm';
import { Card, Stat } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDbHandle, queryRows } from '@/lib/db/client';

export const metadata: Metadata = { title: 'Database' };

export default async function DatabasePage() {
  await requirePageUser('database:read');
  const handle = await getDbHandle();
  const retries = await queryRows<{ minute: Date; operation: string; error_class: string; retries: number; recovered: number; failed: number }>(
    handle.db,
    sql`SELECT minute, operation, error_class, retries, recovered, failed FROM db_retry_log ORDER BY minute DESC LIMIT 20`,
  );
  return (
    <>
      <PageHeader title="Database" description="The data layer: pool, retries and the server's own view." />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Driver" value={handle.kind === 'pglite' ? 'PGlite' : 'Postgres'} hint={handle.label} />
        <Stat label="Pool size" value={handle.poolSize} />
      </div>
      <Card title="Recent retries" className="mt-6">
        {retries.length === 0 ? (
          <EmptyState title="No retries recorded">
            Transient failures (lost connections, deadlocks, serialization failures) that the data layer retried are counted here per minute.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Minute</Th>
                <Th>Operation</Th>
                <Th>Error class</Th>
                <Th className="text-right">Retries</Th>
                <Th className="text-right">Recovered</Th>
                <Th className="text-right">Failed</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {retries.map((r) => (
                <Tr key={`${r.minute}-${r.operation}-${r.error_class}`}>
                  <Td className="text-xs">{new Date(r.minute).toISOString().slice(0, 16)}</Td>
                  <Td className="font-mono text-xs">{r.operation}</Td>
                  <Td>{r.error_class}</Td>
                  <Td className="text-right tabular-nums">{r.retries}</Td>
                  <Td className="text-right tabular-nums">{r.recovered}</Td>
                  <Td className="text-right tabular-nums">{r.failed}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
