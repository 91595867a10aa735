import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guards';
import { env } from '@/lib/env';

export const metadata: Metadata = { title: 'Benchmark floor' };

const ROWS = Array.from({ length: 50 }, (_, i) => ({
  id: `row-${String(i + 1).padStart(2, '0')}`,
  name: `Static row ${i + 1}`,
  status: i % 3 === 0 ? 'failed' : 'ok',
  ms: 10 + ((i * 37) % 400),
}));

/**
 * The floor of npm run bench:pages (issue 18): the console layout (session check, sidebar counts) around a
 * 50-row static table, no query of its own. Exists only when BENCH_FLOOR_ROUTE=1 (404 otherwise), for signed-in
 * users (the layout's guard).
 */
export default async function BenchFloorPage() {
  if (!env().BENCH_FLOOR_ROUTE) notFound();
  await requirePageUser('console:read');
  return (
    <>
      <PageHeader title="Benchmark floor" description="A static table inside the console layout: what a page costs before its own data." />
      <Card>
        <Table>
          <thead>
            <tr>
              <Th>Id</Th>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th className="text-right">Time</Th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <Tr key={r.id}>
                <Td className="font-mono text-xs">{r.id}</Td>
                <Td>{r.name}</Td>
                <Td>{r.status}</Td>
                <Td className="text-right tabular-nums">{r.ms} ms</Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
