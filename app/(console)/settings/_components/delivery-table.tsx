import { StatusBadge } from '@/components/ui/badge';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { WebhookDelivery } from '@/lib/interventions/notifications';
import { formatDateTime } from '@/lib/ui/format';

type Row = Pick<WebhookDelivery, 'id' | 'status' | 'attempts' | 'last_status_code' | 'last_error' | 'next_attempt_at' | 'delivered_at' | 'created_at'> & {
  target_url?: string;
};

/** A delivery log (your webhooks in Notifications, the fleet channel in Integrations); `target_url` adds its column. */
export function DeliveryTable({ rows }: { rows: Row[] }) {
  const urls = rows.some((d) => d.target_url !== undefined);
  return (
    <Table>
      <thead>
        <tr>
          <Th>Created</Th>
          {urls && <Th>URL</Th>}
          <Th>Status</Th>
          <Th>Attempts</Th>
          <Th>Last code</Th>
          <Th>Last error</Th>
          <Th>Delivered / next try</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((d) => (
          <Tr key={d.id}>
            <Td className="whitespace-nowrap text-xs">{formatDateTime(d.created_at)}</Td>
            {urls && <Td className="max-w-xs truncate font-mono text-xs">{d.target_url}</Td>}
            <Td>
              <StatusBadge status={d.status === 'delivered' ? 'succeeded' : d.status === 'pending' ? 'paused' : 'failed'} />
              <span className="sr-only">{d.status}</span>
            </Td>
            <Td className="tabular-nums">{d.attempts}</Td>
            <Td className="tabular-nums">{d.last_status_code ?? '—'}</Td>
            <Td className="max-w-xs truncate text-xs text-red-700">{d.last_error ?? '—'}</Td>
            <Td className="whitespace-nowrap text-xs">
              {d.status === 'delivered' ? formatDateTime(d.delivered_at) : d.status === 'pending' ? `next ${formatDateTime(d.next_attempt_at)}` : '—'}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
