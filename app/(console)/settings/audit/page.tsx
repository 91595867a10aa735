import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Clipped } from '@/components/ui/clipped';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, Td, Th, Tr } from '@/components/ui/table';
import { listAuditActions, listAuditLog, type AuditFilter } from '@/lib/audit/queries';
import { requirePageUser } from '@/lib/auth/guards';
import { getReadDb } from '@/lib/db/replica';
import { auditOutcomes } from '@/lib/db/schema/enums';
import { formatDateTime } from '@/lib/ui/format';
import { SettingsTabs } from '../_components/settings-tabs';

export const metadata: Metadata = { title: 'Audit log · Settings' };

type Search = { actor?: string; action?: string; target?: string; from?: string; to?: string; outcome?: string; cursor?: string };

const outcomeTone = { success: 'green', denied: 'amber', failure: 'red' } as const;

function parseDate(v: string | undefined, endOfDay = false) {
  if (!v) return undefined;
  // <input type="datetime-local"> gives "2026-05-01T10:00" (read as UTC); a bare date means the whole day.
  const s = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z` : `${v}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** About one line (12rem) of a user agent, two lines (20rem, monospace) of the details: longer ones are clipped. */
const UA_CHARS = 48;
const DETAILS_CHARS = 120;

const inputClass = 'mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm';

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const me = await requirePageUser('audit:read');
  const sp = await searchParams;
  const filter: AuditFilter = {
    actor: sp.actor,
    action: sp.action,
    target: sp.target,
    from: parseDate(sp.from),
    to: parseDate(sp.to, true),
    outcome: (auditOutcomes as readonly string[]).includes(sp.outcome ?? '') ? (sp.outcome as AuditFilter['outcome']) : undefined,
  };
  const db = await getReadDb();
  const [page, actions] = await Promise.all([listAuditLog(db, { ...filter, cursor: sp.cursor, limit: 50 }), listAuditActions(db)]);
  const keep = Object.fromEntries(Object.entries(sp).filter(([k, v]) => k !== 'cursor' && v));
  const nextHref = page.nextCursor ? `/settings/audit?${new URLSearchParams({ ...keep, cursor: page.nextCursor })}` : null;
  return (
    <>
      <PageHeader title="Audit log" description="Append-only: who did what, to what, when, from where, and the outcome." />
      <SettingsTabs user={me} active="/settings/audit" />
      <Card title="Filter">
        <form method="get" className="grid gap-3 sm:grid-cols-7 sm:items-end">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Actor</span>
            <input name="actor" defaultValue={sp.actor} placeholder="email or id" className={inputClass} />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Action</span>
            <input name="action" defaultValue={sp.action} list="audit-actions" placeholder="e.g. auth." className={inputClass} />
            <datalist id="audit-actions">
              {actions.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Target</span>
            <input name="target" defaultValue={sp.target} placeholder="id or type:id" className={inputClass} />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Outcome</span>
            <select name="outcome" defaultValue={sp.outcome ?? ''} className={inputClass}>
              <option value="">any</option>
              {auditOutcomes.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">From (UTC)</span>
            <input name="from" type="datetime-local" defaultValue={sp.from} className={inputClass} />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">To (UTC)</span>
            <input name="to" type="datetime-local" defaultValue={sp.to} className={inputClass} />
          </label>
          <div className="flex gap-2">
            <Button type="submit">Filter</Button>
            <Link href="/settings/audit" className="self-center text-sm text-slate-500 hover:underline">
              Clear
            </Link>
          </div>
        </form>
      </Card>
      <Card title={sp.cursor ? 'Entries (older page)' : 'Entries'} className="mt-6">
        {page.rows.length === 0 ? (
          <EmptyState title="No entries match">Sign-ins, role changes, token changes and every intervention appear here.</EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Outcome</Th>
                <Th>From</Th>
                <Th>Details</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((r) => (
                <Tr key={r.id}>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(r.createdAt)}</Td>
                  <Td className="text-xs wrap-anywhere">
                    {r.actorLabel ?? r.actorId ?? '—'}
                    <div className="text-slate-500">{r.actorType}</div>
                  </Td>
                  <Td className="font-mono text-xs">{r.action}</Td>
                  <Td className="text-xs">
                    <div className="max-w-[14rem] wrap-anywhere">{r.targetType ? `${r.targetType}:${r.targetId ?? ''}` : '—'}</div>
                  </Td>
                  <Td>
                    <Badge tone={outcomeTone[r.outcome]}>{r.outcome}</Badge>
                  </Td>
                  {/* A cell's max-width does not bind in an auto-layout table: the blocks inside do (one truncated line,
                      two wrapped lines), the whole text on hover. */}
                  <Td className="text-xs">
                    {r.ip ?? '—'}
                    {r.userAgent && <Clipped className="max-w-[12rem] truncate text-slate-500" text={r.userAgent} max={UA_CHARS} />}
                  </Td>
                  <Td className="font-mono text-xs">
                    {Object.keys(r.details).length > 0 && (
                      <Clipped className="line-clamp-2 max-w-xs wrap-anywhere" text={JSON.stringify(r.details)} max={DETAILS_CHARS} />
                    )}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
        <div className="mt-4 flex justify-between text-sm">
          {sp.cursor ? (
            <Link href={`/settings/audit?${new URLSearchParams(keep)}`} className="text-indigo-700 hover:underline">
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {nextHref && (
            <Link href={nextHref} className="text-indigo-700 hover:underline">
              Older →
            </Link>
          )}
        </div>
      </Card>
    </>
  );
}
