'use client';
import Link from 'next/link';
import { Fragment, useState, type ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import type { ActiveIntervention } from '@/lib/interventions/queries';
import type { ActiveFilter } from '@/lib/interventions/schemas';
import { formatAge } from '@/lib/ui/format';
import { formatDateTimeSeconds } from '@/lib/format/time';
import { AbortForm, AssignButton, NoteForm, RestoreForm, ResumeForm } from './action-forms';
import { BulkBar } from './bulk-bar';

// Serialised across the server → client boundary: dates may arrive as strings.
export type ActiveRow = Omit<ActiveIntervention, 'paused_at' | 'cursor_at'> & { paused_at: string | Date };

export type Permissions = { resume: boolean; abort: boolean; restore: boolean; note: boolean; assign: boolean };

export function ActiveTable({
  rows,
  total,
  filter,
  perms,
  me,
  empty,
}: {
  rows: ActiveRow[];
  total: number;
  filter: ActiveFilter;
  perms: Permissions;
  me: string;
  /** Shown instead of the table when no row matches. */
  empty: ReactNode;
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const canBulk = perms.resume || perms.abort;
  const visible = rows.map((r) => r.id);
  const allOnPage = visible.length > 0 && visible.every((id) => selected.has(id));
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };
  const labels = Object.fromEntries(rows.map((r) => [r.id, `${r.project} / ${r.agent_name}`]));
  const columns = canBulk ? 9 : 8;

  return (
    <>
      {canBulk && (
        <BulkBar
          selected={[...selected].filter((id) => visible.includes(id))}
          total={total}
          filter={filter}
          labels={labels}
          perms={perms}
          onDone={() => setSelected(new Set())}
        />
      )}
      {rows.length === 0 ? (
        empty
      ) : (
        <Table>
          <thead>
            <tr>
              {canBulk && (
                <Th>
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allOnPage}
                    onChange={() => setSelected(allOnPage ? new Set() : new Set(visible))}
                  />
                </Th>
              )}
              <Th>Age</Th>
              <Th>Project / agent</Th>
              <Th>Type</Th>
              <Th>Reason</Th>
              <Th>Task</Th>
              <Th>Last error</Th>
              <Th>Assigned</Th>
              <Th className="sticky right-0 bg-white">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((a) => {
              const open = expanded.has(a.id);
              const calls = a.context?.recent_tool_calls ?? [];
              return (
                <Fragment key={a.id}>
                  <Tr className="group">
                    {canBulk && (
                      <Td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${a.project} / ${a.agent_name}`}
                          checked={selected.has(a.id)}
                          onChange={() => setSelected((s) => toggle(s, a.id))}
                        />
                      </Td>
                    )}
                    <Td className="whitespace-nowrap tabular-nums">{formatAge(a.paused_at)}</Td>
                    <Td>
                      <Link prefetch={false} href={`/sessions/${a.session_id}`} className="font-medium text-indigo-700 hover:underline">
                        {a.project}
                      </Link>
                      <div className="text-xs text-slate-500">{a.agent_name}</div>
                    </Td>
                    <Td>
                      <Badge tone="amber">{a.pause_type.replace(/_/g, ' ')}</Badge>
                    </Td>
                    <Td className="min-w-[10rem]">{a.reason}</Td>
                    <Td className="min-w-[9rem] max-w-[14rem] text-xs">{a.current_task ?? '—'}</Td>
                    <Td className="max-w-[12rem] truncate font-mono text-xs text-red-700">
                      <span title={a.last_error ?? undefined}>{a.last_error ?? '—'}</span>
                    </Td>
                    <Td className="text-xs">
                      <span className="block max-w-[9rem] truncate" title={a.assigned_to ?? undefined}>
                        {a.assigned_to ?? '—'}
                      </span>
                      {perms.assign && (
                        <div>
                          <AssignButton id={a.id} assignedTo={a.assigned_to} me={me} />
                        </div>
                      )}
                    </Td>
                    {/* Pinned to the right edge: on a narrow screen the table scrolls, the actions stay in reach. */}
                    <Td className="sticky right-0 bg-white shadow-[-8px_0_8px_-8px_rgba(15,23,42,0.15)] group-hover:bg-slate-50">
                      <button
                        type="button"
                        aria-expanded={open}
                        aria-label={`${open ? 'Hide' : 'Show'} details for ${a.project} / ${a.agent_name}`}
                        onClick={() => setExpanded((s) => toggle(s, a.id))}
                        className="whitespace-nowrap rounded border border-indigo-200 px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
                      >
                        {open ? 'Hide' : 'Actions ▾'}
                      </button>
                    </Td>
                  </Tr>
                  {open && (
                    <tr className="bg-slate-50/60">
                      <td colSpan={columns} className="px-4 py-3">
                        <div role="region" aria-label={`Intervention ${a.project} / ${a.agent_name}`} className="grid gap-4 lg:grid-cols-3">
                          <div className="space-y-2 text-xs">
                            <h3 className="font-semibold text-slate-700">Recent tool calls</h3>
                            {calls.length === 0 ? (
                              <p className="text-slate-500">None recorded in the pause context.</p>
                            ) : (
                              <ul className="space-y-1 font-mono">
                                {calls.map((c, i) => (
                                  <li key={i} className={c.success === false ? 'text-red-700' : 'text-slate-700'}>
                                    {c.success === false ? '✗' : '✓'} {c.tool}
                                    {c.error ? ` — ${c.error}` : ''}
                                    {c.at ? <span className="text-slate-400"> · {formatDateTimeSeconds(c.at)}</span> : null}
                                  </li>
                                ))}
                              </ul>
                            )}
                            {a.last_error && (
                              <pre className="whitespace-pre-wrap break-words rounded bg-white p-2 text-red-700 ring-1 ring-slate-200">{a.last_error}</pre>
                            )}
                          </div>
                          <div className="space-y-4">
                            {perms.resume && <ResumeForm id={a.id} />}
                            {perms.abort && <AbortForm id={a.id} />}
                          </div>
                          <div className="space-y-4">
                            {perms.restore && <RestoreForm id={a.id} />}
                            {perms.note && <NoteForm id={a.id} />}
                            {!perms.resume && !perms.abort && !perms.restore && !perms.note && (
                              <p className="text-xs text-slate-500">Your role can read interventions but not act on them.</p>
                            )}
                          </div>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </Table>
      )}
    </>
  );
}
