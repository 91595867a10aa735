import { and, desc, eq, gte, ilike, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';

export type AuditFilter = {
  /** Actor email, token name or id (substring of the label, or exact id). */
  actor?: string;
  /** Action name or prefix: `auth.` matches every sign-in/out row. */
  action?: string;
  /** Target id, or `type:id`, or a type alone (`user:`). */
  target?: string;
  from?: Date;
  to?: Date;
  outcome?: 'success' | 'denied' | 'failure';
};

export type AuditPage = {
  rows: (typeof auditLog.$inferSelect)[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
};

/** Opaque keyset cursor: the last row's created_at at microsecond precision and id. */
function encodeCursor(ts: string, id: number) {
  return Buffer.from(`${ts}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { ts: string; id: number } | null {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const n = Number(id);
  if (!ts || !Number.isSafeInteger(n) || Number.isNaN(Date.parse(ts))) return null;
  return { ts, id: n };
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Rows written before the `<domain>.<verb>` vocabulary keep their old names; a filter by the new name (or its
 * domain prefix) finds them too, so the page shows a pause's whole history whichever release wrote it.
 */
const legacyPrefixes: Record<string, string> = {
  'intervention.': 'interventions:',
  'checkpoint.': 'checkpoints:',
  'notification.': 'notifications:',
};

export function legacyActionNames(action: string): string[] {
  for (const [now, before] of Object.entries(legacyPrefixes)) {
    if (action.startsWith(now)) return [before + action.slice(now.length)];
  }
  return [];
}

/**
 * The admin audit page: newest first, filtered, keyset-paginated on (created_at, id) so deep pages cost the
 * same as the first (idx_audit_log_created) and rows appended meanwhile never shift a page.
 */
export async function listAuditLog(db: Db, filter: AuditFilter & { cursor?: string; limit?: number } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where: SQL[] = [];
  const actor = filter.actor?.trim();
  if (actor) where.push(or(eq(auditLog.actorId, actor), ilike(auditLog.actorLabel, `%${escapeLike(actor)}%`))!);
  const action = filter.action?.trim();
  if (action) {
    const names = [action, ...legacyActionNames(action)];
    const one = (a: string) => (a.endsWith('.') || a.endsWith(':') ? ilike(auditLog.action, `${escapeLike(a)}%`) : eq(auditLog.action, a));
    where.push(names.length > 1 ? or(...names.map(one))! : one(action));
  }
  const target = filter.target?.trim();
  if (target) {
    const i = target.indexOf(':');
    if (i > 0) {
      where.push(eq(auditLog.targetType, target.slice(0, i)));
      if (target.slice(i + 1)) where.push(eq(auditLog.targetId, target.slice(i + 1)));
    } else where.push(eq(auditLog.targetId, target));
  }
  if (filter.outcome) where.push(eq(auditLog.outcome, filter.outcome));
  if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) where.push(lte(auditLog.createdAt, filter.to));
  const c = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (c) where.push(sql`(${auditLog.createdAt}, ${auditLog.id}) < (${c.ts}::timestamptz, ${c.id})`);

  const rows = await db
    .select({
      row: auditLog,
      ts: sql<string>`to_char(${auditLog.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => r.row),
    nextCursor: rows.length > limit && last ? encodeCursor(last.ts, last.row.id) : null,
  };
}

/** Distinct action names, for the filter's suggestions. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
  return rows.map((r) => r.action);
}
