'use client';
import { clsx } from 'clsx';
import { Fragment, useEffect, useRef, useState, type ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, Td, Th } from '@/components/ui/table';
import type { ActiveFilter } from '@/lib/interventions/schemas';
import { formatAge } from '@/lib/ui/format';
import { formatDateTimeSeconds } from '@/lib/format/time';
import { NoteForm, RestoreForm, useAssignForms } from './action-forms';
import type { ActiveRow } from './active-rows';
import { AwaitingApproval } from './approval';
import { BulkBar } from './bulk-bar';
import { KeyboardHelp, RowDialog, type RowAction } from './row-dialogs';
import { useInboxKeys } from './use-inbox-keys';

export type Permissions = { resume: boolean; abort: boolean; restore: boolean; note: boolean; assign: boolean };

/**
 * "Now" for the ages: the server's render time first, so the browser's first render is the same text (no
 * hydration mismatch for a pause seconds old), then the browser clock, ticking every 15 s.
 */
function useNow(renderedAt: number) {
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    tick();
    const t = setInterval(tick, 15_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** Time to the escalation policy's next step ("notify in 12m", "reassign due 3m ago") and the "escalated" badge. */
function Deadline({ row, now }: { row: ActiveRow; now: number }) {
  const at = row.next_step_at ? new Date(row.next_step_at) : null;
  const what = row.next_step_kind === 'restore' ? 'restore' : (row.next_step_kind ?? '');
  return (
    <>
      {row.escalated && (
        <Badge tone="violet" className="mb-0.5">
          escalated
        </Badge>
      )}
      {at ? (
        <time dateTime={at.toISOString()} title={`${row.policy_name}: ${what} at ${at.toISOString()}`} className="block">
          {at.getTime() > now ? `${what} in ${formatAge(now, at.getTime())}` : `${what} due ${formatAge(at, now)} ago`}
        </time>
      ) : (
        <span className="block text-slate-400" title={row.escalated ? `${row.policy_name}: every step has run` : 'No escalation policy governs this pause (Settings → Escalation)'}>
          {row.escalated ? 'no step left' : '—'}
        </span>
      )}
    </>
  );
}

const toggle = (set: Set<string>, id: string) => {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
};

export function ActiveTable({
  rows,
  total,
  filter,
  perms,
  me,
  renderedAt,
  empty,
}: {
  rows: ActiveRow[];
  total: number;
  filter: ActiveFilter;
  perms: Permissions;
  me: string;
  /** Date.now() on the server when the page was rendered. */
  renderedAt: number;
  /** Shown instead of the table when no row matches. */
  empty: ReactNode;
}) {
  const now = useNow(renderedAt);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(-1);
  const [dialog, setDialog] = useState<{ id: string; action: RowAction } | null>(null);
  const [help, setHelp] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const body = useRef<HTMLTableSectionElement>(null);
  const assign = useAssignForms();
  const canBulk = perms.resume || perms.abort;
  const visible = rows.map((r) => r.id);
  const allOnPage = visible.length > 0 && visible.every((id) => selected.has(id));
  const labels = Object.fromEntries(rows.map((r) => [r.id, `${r.project} / ${r.agent_name}`]));
  const columns = canBulk ? 9 : 8;
  const current = rows.length ? Math.min(cursor, rows.length - 1) : -1;

  const focusRow = (i: number) => body.current?.querySelector<HTMLElement>(`tr[data-row-index="${i}"]`)?.focus();
  const open = (action: RowAction) => {
    const row = rows[current];
    if (row && perms[action]) setDialog({ id: row.id, action });
  };

  // When the focused row left the list (resumed, aborted), keep the keyboard on the row that took its place.
  useEffect(() => {
    if (current >= 0 && document.activeElement === document.body && !document.querySelector('dialog[open]')) focusRow(current);
  }, [rows, current]);

  useInboxKeys((key) => {
    if (key === 'help') return setHelp(true);
    if (!rows.length) return;
    if (key === 'next' || key === 'previous') {
      const i = current < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, current + (key === 'next' ? 1 : -1)));
      setCursor(i);
      focusRow(i);
      return;
    }
    if (current < 0) return;
    if (key === 'select') {
      if (canBulk) setSelected((s) => toggle(s, rows[current].id));
      return;
    }
    open(key);
  });

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
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <p role="status" className="text-xs text-emerald-700">
          {announcement}
        </p>
        <Button type="button" size="sm" variant="ghost" aria-keyshortcuts="?" onClick={() => setHelp(true)}>
          Keyboard shortcuts <kbd className="rounded border border-slate-300 px-1 font-mono">?</kbd>
        </Button>
      </div>
      {perms.assign && assign.forms}
      {rows.length === 0 ? (
        empty
      ) : (
        <Table className="tbl-tight">
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
              <Th>Deadline</Th>
              <Th>Project / agent</Th>
              <Th>Type</Th>
              <Th>Reason / task</Th>
              <Th>Last error</Th>
              <Th>Assigned</Th>
              <Th className="sticky right-0 bg-white">Actions</Th>
            </tr>
          </thead>
          <tbody ref={body} className="divide-y divide-slate-100">
            {rows.map((a, i) => {
              const isOpen = expanded.has(a.id);
              const calls = a.recent_tool_calls;
              const label = labels[a.id];
              const isCurrent = i === current;
              return (
                <Fragment key={a.id}>
                  <tr
                    tabIndex={-1}
                    data-row-index={i}
                    data-current={isCurrent || undefined}
                    onFocus={() => setCursor(i)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) setExpanded((s) => toggle(s, a.id));
                    }}
                    className={clsx('group outline-none hover:bg-slate-50', isCurrent && 'bg-indigo-50/60 ring-2 ring-inset ring-indigo-400')}
                  >
                    {canBulk && (
                      <Td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${label}`}
                          checked={selected.has(a.id)}
                          onChange={() => setSelected((s) => toggle(s, a.id))}
                        />
                      </Td>
                    )}
                    <Td className="whitespace-nowrap tabular-nums">
                      <time dateTime={new Date(a.paused_at).toISOString()} title={new Date(a.paused_at).toISOString()}>
                        {formatAge(a.paused_at, now)}
                      </time>
                    </Td>
                    <Td className="whitespace-nowrap text-xs tabular-nums">
                      <Deadline row={a} now={now} />
                    </Td>
                    <Td>
                      {/* A plain link, not next/link: one client component fewer per row to render on the server (issue 18). */}
                      <a href={`/sessions/${a.session_id}`} className="font-medium text-indigo-700 hover:underline">
                        {a.project}
                      </a>
                      <div className="text-xs text-slate-500">{a.agent_name}</div>
                    </Td>
                    <Td>
                      <Badge tone="amber">{a.pause_type.replace(/_/g, ' ')}</Badge>
                      {a.pending_request_id && (
                        <AwaitingApproval requestId={a.pending_request_id} requestedBy={a.pending_requested_by} canDecide={perms.restore} label={label} />
                      )}
                    </Td>
                    <Td className="min-w-[10rem]">
                      {a.reason}
                      {a.current_task && <div className="mt-0.5 text-xs text-slate-500 wrap-anywhere">Task: {a.current_task}</div>}
                    </Td>
                    <Td className="font-mono text-xs text-red-700">
                      <div className="line-clamp-2 min-w-[8rem] max-w-[12rem] wrap-anywhere" title={a.last_error ?? undefined}>
                        {a.last_error ?? '—'}
                      </div>
                    </Td>
                    <Td className="text-xs">
                      {/* The name before the @ (the whole address on hover): a column of full addresses crowds the row. */}
                      <span className="block max-w-[8rem] truncate" title={a.assigned_to ?? undefined}>
                        {a.assigned_to ? a.assigned_to.replace(/@.*$/, '') : '—'}
                      </span>
                      {perms.assign && <div>{assign.button({ id: a.id, assignedTo: a.assigned_to, me })}</div>}
                    </Td>
                    {/* Pinned to the right edge: on a narrow screen the table scrolls, the actions stay in reach. */}
                    <Td
                      className={clsx(
                        'sticky right-0 shadow-[-8px_0_8px_-8px_rgba(15,23,42,0.15)]',
                        isCurrent ? 'bg-indigo-50' : 'bg-white group-hover:bg-slate-50',
                      )}
                    >
                      <div className="flex w-[9.5rem] flex-wrap gap-1">
                        {perms.resume && (
                          <Button type="button" size="sm" aria-keyshortcuts="r" onClick={() => setDialog({ id: a.id, action: 'resume' })}>
                            Resume<span className="sr-only"> {label}</span>
                          </Button>
                        )}
                        {perms.abort && (
                          <Button type="button" size="sm" variant="secondary" aria-keyshortcuts="a" onClick={() => setDialog({ id: a.id, action: 'abort' })}>
                            Abort<span className="sr-only"> {label}</span>
                          </Button>
                        )}
                        <button
                          type="button"
                          aria-expanded={isOpen}
                          onClick={() => setExpanded((s) => toggle(s, a.id))}
                          className="whitespace-nowrap rounded border border-indigo-200 px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50"
                        >
                          {isOpen ? 'Hide details' : 'Details'}
                          <span className="sr-only"> for {label}</span>
                          <span aria-hidden="true">{isOpen ? ' ▴' : ' ▾'}</span>
                        </button>
                      </div>
                    </Td>
                  </tr>
                  {isOpen && (
                    <tr className="bg-slate-50/60">
                      <td colSpan={columns} className="px-4 py-3">
                        <div role="region" aria-label={`Intervention ${label}`} className="grid gap-4 lg:grid-cols-3">
                          <div className="space-y-2 text-xs">
                            <h3 className="font-semibold text-slate-700">Recent tool calls</h3>
                            {calls.length === 0 ? (
                              <p className="text-slate-500">None recorded in the pause context.</p>
                            ) : (
                              <ul className="space-y-1 font-mono">
                                {calls.map((c, j) => (
                                  <li key={j} className={c.success === false ? 'text-red-700' : 'text-slate-700'}>
                                    {c.success === false ? '✗' : '✓'} {c.tool}
                                    {c.error ? ` — ${c.error}` : ''}
                                    {c.at ? <span className="text-slate-500"> · {formatDateTimeSeconds(c.at)}</span> : null}
                                  </li>
                                ))}
                              </ul>
                            )}
                            {a.last_error && (
                              <pre className="whitespace-pre-wrap break-words rounded bg-white p-2 text-red-700 ring-1 ring-slate-200">{a.last_error}</pre>
                            )}
                          </div>
                          <div className="space-y-4">{perms.restore && <RestoreForm id={a.id} />}</div>
                          <div className="space-y-4">
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
      <RowDialog
        open={dialog}
        label={dialog ? (labels[dialog.id] ?? '') : ''}
        onClose={() => setDialog(null)}
        onDone={(message) => {
          setDialog(null);
          setAnnouncement(message);
        }}
      />
      <KeyboardHelp open={help} onClose={() => setHelp(false)} />
    </>
  );
}
