import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { listToolStats } from '@/lib/tools/queries';
import { formatPercent } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Tools' };

export default async function ToolsPage() {
  await requirePageUser('console:read');
  const rows = await listToolStats(await getDb(), { days: 30 });
  return (
    <>
      <PageHeader title="Tools" description="Tool executions of the last 30 days: volume, success and latency." />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="No tool executions in the last 30 days">
            Agents report tool executions through POST /api/v1/tool-executions; they appear here per tool.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Tool</Th>
                <Th className="text-right">Executions</Th>
                <Th className="text-right">Success</Th>
                <Th className="text-right">p50</Th>
                <Th className="text-right">p95</Th>
                <Th className="text-right">Satisfaction</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((t) => (
                <Tr key={t.tool_name}>
                  <Td className="font-mono text-xs font-medium">{t.tool_name}</Td>
                  <Td className="text-right tabular-nums">{t.executions.toLocaleString()}</Td>
                  <Td className="text-right tabular-nums">{formatPercent(t.success_rate)}</Td>
                  <Td className="text-right tabular-nums">{t.p50_ms === null ? '—' : `${Math.round(t.p50_ms)} ms`}</Td>
                  <Td className="text-right tabular-nums">{t.p95_ms === null ? '—' : `${Math.round(t.p95_ms)} ms`}</Td>
                  <Td className="text-right tabular-nums">{t.satisfaction === null ? '—' : t.satisfaction.toFixed(2)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
