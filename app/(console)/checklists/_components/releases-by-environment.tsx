import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { ReleaseRow } from '@/lib/checklists/releases';
import { formatDateTime } from '@/lib/ui/format';
import { ChecklistStatusBadge } from './checklist-badges';

/** Checklists → Releases: one table per environment, newest release first. */
export function ReleasesByEnvironment({ groups }: { groups: { environment: string; releases: ReleaseRow[] }[] }) {
  if (!groups.length) {
    return (
      <Card>
        <EmptyState title="No releases yet">
          A pipeline creates one with <code>POST /api/v1/checklists</code> (template, version, environment), or create a
          checklist from a template with an environment.
        </EmptyState>
      </Card>
    );
  }
  return (
    <div className="space-y-5">
      {groups.map((g) => (
        <Card key={g.environment} title={g.environment}>
          <Table>
            <thead>
              <tr>
                <Th>Version</Th>
                <Th>Checklist</Th>
                <Th>Status</Th>
                <Th>Gate</Th>
                <Th>Commit</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {g.releases.map((r) => (
                <Tr key={r.id}>
                  <Td className="font-medium tabular-nums">{r.version ?? '—'}</Td>
                  <Td>
                    <Link prefetch={false} href={`/checklists/${r.id}`} className="text-indigo-700 hover:underline">
                      {r.title}
                    </Link>
                  </Td>
                  <Td className="whitespace-nowrap">
                    <ChecklistStatusBadge status={r.status} />
                    {r.deployedAt && <div className="text-xs text-slate-500">deployed {formatDateTime(r.deployedAt)}</div>}
                  </Td>
                  <Td className="text-xs">
                    {r.failedItems > 0
                      ? `${r.failedItems} failed item${r.failedItems === 1 ? '' : 's'}`
                      : r.openRequired > 0
                        ? `${r.openRequired} open`
                        : r.status === 'signed_off' || r.status === 'live'
                          ? 'signed off'
                          : 'waiting for sign-off'}
                  </Td>
                  <Td className="font-mono text-xs">
                    {r.link ? (
                      <a href={r.link} className="text-indigo-700 hover:underline" rel="noreferrer noopener" target="_blank">
                        {r.commitSha?.slice(0, 10) ?? 'link'}
                      </a>
                    ) : (
                      (r.commitSha?.slice(0, 10) ?? '—')
                    )}
                  </Td>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(r.createdAt)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ))}
    </div>
  );
}
