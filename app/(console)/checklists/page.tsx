import type { Metadata } from 'next';
import { desc, sql } from 'drizzle-orm';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { checklistItems, deploymentChecklists } from '@/lib/db/schema';
import { formatDateTime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Checklists' };

export default async function ChecklistsPage() {
  await requirePageUser('console:read');
  const db = await getDb();
  const rows = await db
    .select({
      id: deploymentChecklists.id,
      title: deploymentChecklists.title,
      version: deploymentChecklists.version,
      environment: deploymentChecklists.environment,
      status: deploymentChecklists.status,
      isTemplate: deploymentChecklists.isTemplate,
      createdAt: deploymentChecklists.createdAt,
      total: sql<number>`(SELECT count(*)::int FROM ${checklistItems} WHERE ${checklistItems.checklistId} = ${deploymentChecklists.id})`,
      done: sql<number>`(SELECT count(*)::int FROM ${checklistItems} WHERE ${checklistItems.checklistId} = ${deploymentChecklists.id} AND ${checklistItems.checked})`,
    })
    .from(deploymentChecklists)
    .orderBy(desc(deploymentChecklists.createdAt))
    .limit(100);
  return (
    <>
      <PageHeader title="Checklists" description="Deployment checklists, ticked by the team and signed off by role." />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="No checklists yet">Import a Markdown checklist (- [ ] items under headings) or create one from a template.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Title</Th>
                <Th>Version</Th>
                <Th>Environment</Th>
                <Th>Status</Th>
                <Th className="text-right">Progress</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((c) => (
                <Tr key={c.id}>
                  <Td className="font-medium">
                    {c.title} {c.isTemplate && <Badge tone="violet">template</Badge>}
                  </Td>
                  <Td>{c.version ?? '—'}</Td>
                  <Td>{c.environment ?? '—'}</Td>
                  <Td>
                    <Badge tone={c.status === 'signed_off' ? 'green' : 'gray'}>{c.status.replace('_', ' ')}</Badge>
                  </Td>
                  <Td className="text-right tabular-nums">
                    {c.done}/{c.total}
                  </Td>
                  <Td className="text-xs">{formatDateTime(c.createdAt)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
