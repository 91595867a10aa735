import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { getDb, type Db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { auditLog, checklistItems, checklistSections, checklistSignoffs, deploymentChecklists } from '@/lib/db/schema';
import type { ChecklistDraft, DraftItem } from './markdown';
import type { Actor } from './schemas';

/** Helpers shared by commands and queries: draft ⇄ rows, audit rows, input parsing. */

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export async function resolveDb(db?: Db) {
  return db ?? (await getDb());
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('bad_request', 'Invalid input', {
    fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

export async function writeAudit(
  tx: DbOrTx,
  entry: {
    actor: Actor;
    action: string;
    targetType: string;
    targetId: string;
    outcome: 'success' | 'denied' | 'failure';
    checklistId: string;
    details?: Record<string, unknown>;
  },
) {
  await tx.insert(auditLog).values({
    actorId: entry.actor.id,
    actorType: 'user',
    actorLabel: entry.actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    outcome: entry.outcome,
    // checklistId is what idx_audit_log_checklist and the history query look for.
    details: { checklistId: entry.checklistId, role: entry.actor.role, ...entry.details },
  });
}

// Each item row binds 13 parameters; 500 rows stay far below Postgres' 65,535 bind limit.
const INSERT_CHUNK = 500;

/** Writes a draft's sections and items under an existing checklist row; returns the item count. */
export async function insertDraftRows(
  tx: DbOrTx,
  checklistId: string,
  draft: Pick<ChecklistDraft, 'sections'>,
  options: { keepChecked: boolean; actorId: string },
) {
  const sectionRows: (typeof checklistSections.$inferInsert)[] = [];
  const itemRows: (typeof checklistItems.$inferInsert)[] = [];
  const now = new Date();
  draft.sections.forEach((section, sectionIndex) => {
    const sectionId = randomUUID();
    sectionRows.push({
      id: sectionId,
      checklistId,
      position: sectionIndex,
      phase: section.phase,
      title: section.title,
      description: section.description,
      signoffRole: section.signoffRole,
    });
    const walk = (items: DraftItem[], parentId: string | null) => {
      for (const item of items) {
        const id = randomUUID();
        const checked = options.keepChecked && item.checked;
        itemRows.push({
          id,
          checklistId,
          sectionId,
          parentId,
          phase: section.phase,
          sectionTitle: section.title,
          position: itemRows.length,
          text: item.text,
          required: item.required,
          command: item.command,
          commandLanguage: item.commandLanguage ?? null,
          checked,
          // A box ticked in the imported document was ticked by whoever imported it, as far as we can know.
          checkedBy: checked ? options.actorId : null,
          checkedAt: checked ? now : null,
          note: checked ? 'Ticked in the imported Markdown' : null,
        });
        walk(item.children, id);
      }
    };
    walk(section.items, null);
  });
  for (let i = 0; i < sectionRows.length; i += INSERT_CHUNK) {
    await tx.insert(checklistSections).values(sectionRows.slice(i, i + INSERT_CHUNK));
  }
  for (let i = 0; i < itemRows.length; i += INSERT_CHUNK) {
    await tx.insert(checklistItems).values(itemRows.slice(i, i + INSERT_CHUNK));
  }
  return itemRows.length;
}

/** A stored checklist as a draft (for export and for instantiating a template). */
export async function loadDraft(db: DbOrTx, checklistId: string): Promise<ChecklistDraft | null> {
  const [checklist] = await db.select().from(deploymentChecklists).where(eq(deploymentChecklists.id, checklistId));
  if (!checklist) return null;
  const sections = await db
    .select()
    .from(checklistSections)
    .where(eq(checklistSections.checklistId, checklistId))
    .orderBy(asc(checklistSections.position));
  const items = await db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.checklistId, checklistId))
    .orderBy(asc(checklistItems.position));
  const signoffs = await db
    .select()
    .from(checklistSignoffs)
    .where(and(eq(checklistSignoffs.checklistId, checklistId), isNull(checklistSignoffs.voidedAt)));

  const nodes = new Map<string, DraftItem>();
  const topBySection = new Map<string, DraftItem[]>();
  for (const row of items) {
    const node: DraftItem = {
      text: row.text,
      checked: row.checked,
      required: row.required,
      command: row.command,
      ...(row.commandLanguage ? { commandLanguage: row.commandLanguage } : {}),
      children: [],
    };
    nodes.set(row.id, node);
    const parent = row.parentId ? nodes.get(row.parentId) : undefined;
    if (parent) parent.children.push(node);
    else {
      const list = topBySection.get(row.sectionId) ?? [];
      if (!list.length) topBySection.set(row.sectionId, list);
      list.push(node);
    }
  }
  const roles = checklist.requiredRoles as ChecklistDraft['requiredRoles'];
  return {
    title: checklist.title,
    sections: sections.map((s) => ({
      title: s.title,
      phase: s.phase,
      description: s.description,
      signoffRole: s.signoffRole,
      items: topBySection.get(s.id) ?? [],
    })),
    requiredRoles: roles,
    signatures: roles.flatMap((role) => {
      const s = signoffs.find((x) => x.role === role);
      return s ? [{ role, name: s.signedByName ?? s.signedBy, date: s.signedAt.toISOString().slice(0, 10) }] : [];
    }),
  };
}
