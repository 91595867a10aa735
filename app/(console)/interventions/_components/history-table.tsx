'use client';
import Link from 'next/link';
import { Fragment, useState, useTransition } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { InterventionActionRow, InterventionHistoryRow } from '@/lib/interventions/queries';
import { formatDateTime, formatDuration, shortId } from '@/lib/ui/format';
import { trailAction } from '../actions';

/** A history row as the page hands it over (`paused_at` may arrive serialised). */
export type HistoryRow = Omit<
  InterventionHistoryRow,
  'current_task' | 'paused_at' | 'resolved' | 'resolved_at' | 'cursor_at'
> & { paused_at: string | Date };

/** History rows; expanding one loads that pause's intervention_actions trail. */
export function HistoryTable({ rows }: { rows: HistoryRow[] }) {
  const [trails, setTrails] = useState<Record<string, InterventionActionRow[] | string>>({});
  const [open, setOpen] = useState<string | null>(null);
  const [loading, startLoading] = useTransition();
  function toggle(id: string) {
    if (open === id) return setOpen(null);
    setOpen(id);
    if (!trails[id]) {
      startLoading(async () => {
        const r = await trailAction({ pausedSessionId: id });
        setTrails((t) => ({ ...t, [id]: r.ok && r.data ? r.data : (r.error ?? 'Could not load the trail.') }));
      });
    }
  }
  return (
    <Table>
      <thead>
        <tr>
          <Th>Paused</Th>
          <Th>Session</Th>
          <Th>Type</Th>
          <Th>Reason</Th>
          <Th>Outcome</Th>
          <Th>By</Th>
          <Th>Time to resolve</Th>
          <Th>Actions</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((h) => {
          const trail = trails[h.id];
          return (
            <Fragment key={h.id}>
              <Tr>
                <Td className="whitespace-nowrap text-xs">{formatDateTime(h.paused_at)}</Td>
                <Td>
                  <Link prefetch={false} href={`/sessions/${h.session_id}`} className="text-indigo-700 hover:underline">
                    {h.project} · {shortId(h.session_id)}
                  </Link>
                  <div className="text-xs text-slate-500">{h.agent_name}</div>
                </Td>
                <Td>{h.pause_type.replace(/_/g, ' ')}</Td>
                <Td className="max-w-xs text-xs">{h.reason}</Td>
                <Td>{h.resolution ? <StatusBadge status={h.resolution} /> : <Badge tone="amber">open</Badge>}</Td>
                <Td className="text-xs">{h.resolved_by ?? '—'}</Td>
                <Td className="tabular-nums">{formatDuration(h.resolution_seconds)}</Td>
                <Td>
                  <button
                    type="button"
                    aria-expanded={open === h.id}
                    onClick={() => toggle(h.id)}
                    className="rounded px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
                  >
                    {/* The name starts with the visible count (WCAG 2.5.3); the rest is for screen readers. */}
                    {h.action_count}
                    <span className="sr-only">
                      {' '}
                      actions: trail of {h.project} · {shortId(h.session_id)}
                    </span>
                    <span aria-hidden="true"> {open === h.id ? '▴' : '▾'}</span>
                  </button>
                </Td>
              </Tr>
              {open === h.id && (
                <tr className="bg-slate-50/60">
                  <td colSpan={8} className="px-4 py-2">
                    {!trail || (loading && !trail) ? (
                      <p className="text-xs text-slate-500">Loading…</p>
                    ) : typeof trail === 'string' ? (
                      <p role="alert" className="text-xs text-red-700">{trail}</p>
                    ) : (
                      <ol aria-label="Trail" className="space-y-1 text-xs">
                        {trail.map((a) => (
                          <li key={a.id}>
                            <span className="text-slate-500">{formatDateTime(a.created_at)}</span> · <strong>{a.action}</strong> by {a.actor}
                            {a.note ? <> — “{a.note}”</> : null}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </Table>
  );
}
