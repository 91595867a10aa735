import type { z } from 'zod';
import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import {
  auditLog,
  checklistItems,
  checklistSections,
  checklistSignoffs,
  deploymentChecklists,
  user,
  type ChecklistItem,
  type ChecklistSection,
  type ChecklistSignoff,
  type DeploymentChecklist,
} from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { openItemsForRole } from './signoff';
import { toMarkdown } from './markdown';
import {
  checklistHistorySchema,
  checklistIdSchema,
  listChecklistsSchema,
  type ChecklistHistoryInput,
  type ListChecklistsInput,
} from './schemas';
import { loadDraft } from './store';

/** Checklist reads. None reads cookies; callers guard with `checklists` / `console:read` permissions first. */

export type Progress = { total: number; checked: number; requiredTotal: number; requiredChecked: number };

function progressOf(items: Pick<ChecklistItem, 'checked' | 'required'>[]): Progress {
  let checked = 0;
  let requiredTotal = 0;
  let requiredChecked = 0;
  for (const i of items) {
    if (i.checked) checked++;
    if (i.required) {
      requiredTotal++;
      if (i.checked) requiredChecked++;
    }
  }
  return { total: items.length, checked, requiredTotal, requiredChecked };
}

// ------------------------------------------------------------------------------------------------ list

export type ChecklistListRow = Pick<
  DeploymentChecklist,
  | 'id'
  | 'title'
  | 'isTemplate'
  | 'templateId'
  | 'version'
  | 'environment'
  | 'targetDate'
  | 'status'
  | 'requiredRoles'
  | 'createdBy'
  | 'createdAt'
> & { progress: Progress; signedRoles: SignoffRole[] };

function encodeCursor(createdAt: string, id: string) {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string) {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(Date.parse(createdAt))) {
    throw new AppError('bad_request', 'Invalid cursor', { fields: [{ path: 'cursor', message: 'Invalid cursor' }] });
  }
  return { createdAt, id };
}

/** Reads parse what the URL gave them (a bad id or cursor is a 400 naming the field, not a database error). */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('bad_request', 'Invalid input', {
    fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/** Newest first, keyset-paginated on (created_at, id) — served by idx_deployment_checklists_created. */
export async function listChecklists(
  db: Db,
  input: ListChecklistsInput = {},
): Promise<{ rows: ChecklistListRow[]; nextCursor: string | null }> {
  const data = parseInput(listChecklistsSchema, input);
  const t = deploymentChecklists;
  const where: (SQL | undefined)[] = [eq(t.isTemplate, data.templates)];
  if (data.status) where.push(eq(t.status, data.status));
  if (data.cursor) {
    const c = decodeCursor(data.cursor);
    // The cursor keeps created_at as Postgres printed it: microseconds a JS Date would lose.
    where.push(
      or(
        lt(t.createdAt, sql`${c.createdAt}::timestamptz`),
        and(eq(t.createdAt, sql`${c.createdAt}::timestamptz`), lt(t.id, c.id)),
      ),
    );
  }
  // Qualified by hand: in a one-table select Drizzle prints ${t.id} as a bare "id", which inside the
  // subqueries below would mean the item's id.
  const cid = sql.raw('"deployment_checklists"."id"');
  const rows = await db
    .select({
      id: t.id,
      title: t.title,
      isTemplate: t.isTemplate,
      templateId: t.templateId,
      version: t.version,
      environment: t.environment,
      targetDate: t.targetDate,
      status: t.status,
      requiredRoles: t.requiredRoles,
      createdBy: t.createdBy,
      createdAt: t.createdAt,
      cursorAt: sql<string>`${t.createdAt}::text`,
      total: sql<number>`(SELECT count(*)::int FROM ${checklistItems} i WHERE i.checklist_id = ${cid})`,
      checked: sql<number>`(SELECT count(*)::int FROM ${checklistItems} i WHERE i.checklist_id = ${cid} AND i.checked)`,
      requiredTotal: sql<number>`(SELECT count(*)::int FROM ${checklistItems} i WHERE i.checklist_id = ${cid} AND i.required)`,
      requiredChecked: sql<number>`(SELECT count(*)::int FROM ${checklistItems} i
        WHERE i.checklist_id = ${cid} AND i.required AND i.checked)`,
      signedRoles: sql<SignoffRole[]>`(SELECT coalesce(array_agg(s.role ORDER BY s.role), '{}') FROM ${checklistSignoffs} s
        WHERE s.checklist_id = ${cid} AND s.voided_at IS NULL)`,
    })
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(data.limit + 1);
  const page = rows.slice(0, data.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ cursorAt: _c, total, checked, requiredTotal, requiredChecked, signedRoles, ...r }) => ({
      ...r,
      progress: { total, checked, requiredTotal, requiredChecked },
      signedRoles: signedRoles ?? [],
    })),
    nextCursor: rows.length > data.limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  };
}

// ------------------------------------------------------------------------------------------------ detail

export type ChecklistItemNode = ChecklistItem & { checkedByName: string | null; children: ChecklistItemNode[] };

export type ChecklistSectionView = ChecklistSection & { items: ChecklistItemNode[]; progress: Progress };

export type SignoffView = ChecklistSignoff & { voidedByName: string | null };

export type RoleStatus = {
  role: SignoffRole;
  /** The standing sign-off, if any. */
  signoff: SignoffView | null;
  /** Required items this role's sign-off still waits for. */
  openCount: number;
};

export type ChecklistDetail = {
  checklist: DeploymentChecklist;
  sections: ChecklistSectionView[];
  /** The rollback-criteria sections, for showing at the top once the checklist is live. */
  rollbackCriteria: ChecklistSectionView[];
  progress: Progress;
  /** Every sign-off, voided ones included, oldest first. */
  signoffs: SignoffView[];
  roles: RoleStatus[];
};

export async function getChecklist(db: Db, input: { checklistId: string }): Promise<ChecklistDetail | null> {
  const { checklistId } = parseInput(checklistIdSchema, input);
  const [checklist] = await db.select().from(deploymentChecklists).where(eq(deploymentChecklists.id, checklistId));
  if (!checklist) return null;
  const [sections, items, signoffs] = await Promise.all([
    db
      .select()
      .from(checklistSections)
      .where(eq(checklistSections.checklistId, checklistId))
      .orderBy(asc(checklistSections.position)),
    db
      .select()
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, checklistId))
      .orderBy(asc(checklistItems.position)),
    db
      .select()
      .from(checklistSignoffs)
      .where(eq(checklistSignoffs.checklistId, checklistId))
      .orderBy(asc(checklistSignoffs.signedAt), asc(checklistSignoffs.id)),
  ]);

  const userIds = [
    ...new Set(
      [...items.map((i) => i.checkedBy), ...signoffs.map((s) => s.voidedBy)].filter((v): v is string => !!v),
    ),
  ];
  const names = new Map(
    userIds.length
      ? (await db.select({ id: user.id, name: user.name }).from(user).where(inArray(user.id, userIds))).map((u) => [
          u.id,
          u.name,
        ])
      : [],
  );

  const nodes = new Map<string, ChecklistItemNode>();
  const bySection = new Map<string, { top: ChecklistItemNode[]; all: ChecklistItem[] }>(
    sections.map((s) => [s.id, { top: [], all: [] }]),
  );
  for (const row of items) {
    const node: ChecklistItemNode = {
      ...row,
      checkedByName: row.checkedBy ? (names.get(row.checkedBy) ?? null) : null,
      children: [],
    };
    nodes.set(row.id, node);
    const bucket = bySection.get(row.sectionId);
    bucket?.all.push(row);
    const parent = row.parentId ? nodes.get(row.parentId) : undefined;
    if (parent) parent.children.push(node);
    else bucket?.top.push(node);
  }
  const sectionViews: ChecklistSectionView[] = sections.map((s) => {
    const bucket = bySection.get(s.id) ?? { top: [], all: [] };
    return { ...s, items: bucket.top, progress: progressOf(bucket.all) };
  });
  const signoffViews: SignoffView[] = signoffs.map((s) => ({
    ...s,
    voidedByName: s.voidedBy ? (names.get(s.voidedBy) ?? null) : null,
  }));
  const roles = await Promise.all(
    (checklist.requiredRoles as SignoffRole[]).map(async (role) => ({
      role,
      signoff: signoffViews.find((s) => s.role === role && !s.voidedAt) ?? null,
      openCount: (await openItemsForRole(db, checklistId, role, 0)).count,
    })),
  );
  return {
    checklist,
    sections: sectionViews,
    rollbackCriteria: sectionViews.filter((s) => s.phase === 'rollback_criteria'),
    progress: progressOf(items),
    signoffs: signoffViews,
    roles,
  };
}

/** The checklist as Markdown (ticks and standing signatures included); importing it gives the same checklist. */
export async function exportChecklistMarkdown(db: Db, input: { checklistId: string }): Promise<string | null> {
  const { checklistId } = parseInput(checklistIdSchema, input);
  const draft = await loadDraft(db, checklistId);
  return draft ? toMarkdown(draft) : null;
}

// ------------------------------------------------------------------------------------------------ history

export type ChecklistHistoryEntry = {
  id: number;
  at: Date;
  action: string;
  outcome: string;
  actorId: string | null;
  actorLabel: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
};

/** Newest first; `before` is the id of the last entry of the previous page. Served by idx_audit_log_checklist. */
export async function getChecklistHistory(
  db: Db,
  input: ChecklistHistoryInput,
): Promise<{ entries: ChecklistHistoryEntry[]; nextBefore: number | null }> {
  const data = parseInput(checklistHistorySchema, input);
  const a = auditLog;
  const rows = await db
    .select({
      id: a.id,
      at: a.createdAt,
      action: a.action,
      outcome: a.outcome,
      actorId: a.actorId,
      // People by name (the audit writer keeps it in details), anything else by its label.
      actorLabel: sql<string | null>`coalesce(${a.details}->>'actorName', ${a.actorLabel})`,
      targetType: a.targetType,
      targetId: a.targetId,
      details: a.details,
    })
    .from(a)
    .where(
      and(
        sql`${a.details} ? 'checklistId'`,
        sql`${a.details}->>'checklistId' = ${data.checklistId}`,
        data.before ? lt(a.id, data.before) : undefined,
      ),
    )
    .orderBy(desc(a.id))
    .limit(data.limit + 1);
  const entries = rows.slice(0, data.limit);
  return {
    entries,
    nextBefore: rows.length > data.limit ? (entries[entries.length - 1]?.id ?? null) : null,
  };
}

/**
 * What the detail page polls to notice someone else's tick: one indexed row, a few bytes. Every tick, untick,
 * sign-off and void bumps updated_at in its transaction, so a changed value means the page is stale.
 */
export async function getChecklistVersion(db: Db, input: { checklistId: string }) {
  const [row] = await db
    .select({ updatedAt: deploymentChecklists.updatedAt, status: deploymentChecklists.status })
    .from(deploymentChecklists)
    .where(eq(deploymentChecklists.id, input.checklistId));
  return row ?? null;
}
