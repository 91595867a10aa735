import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import {
  checklistItems,
  checklistSections,
  checklistSignoffs,
  deploymentChecklists,
  type ChecklistItem,
  type DeploymentChecklist,
} from '@/lib/db/schema';
import { signoffRoles, type SignoffRole } from '@/lib/db/schema/enums';
import { parseChecklistMarkdown, previewChecklist, type ChecklistPreview } from './markdown';
import type {
  CreateChecklistFromMarkdownInput,
  CreateTemplateData,
  InstantiateFromTemplateInput,
  TickItemInput,
  UntickItemInput,
} from './schemas';
import { audit, lockChecklist, refuse, type Refused, type VoidedSignoff } from './command-helpers';
import { insertDraftRows, loadDraft, type Tx } from './store';

/**
 * Checklist state transitions, each `command(db, input, actor) → result`. Each is one transaction that locks the
 * checklist row first (so ticks and sign-offs of one checklist serialise: a sign-off can never slip past a
 * concurrent untick) and then the rows it changes, and writes its audit_log row in the same transaction. The
 * guard in front (app/(console)/checklists/actions.ts) has parsed the input and checked the permission.
 *
 * Sign-off coverage: a section written under a sign-off block's role heading ("### QA Team") is covered by that
 * role only; every other section is covered by every role. So QA signs when all required items outside the
 * other roles' own sections, plus those of "QA Team", are ticked; and a tick or untick in a shared section voids
 * every standing sign-off, one in "QA Team" only QA's.
 */

// ------------------------------------------------------------------------------------------------ creation

export type Created = { ok: true; checklistId: string; items: number };

export async function createChecklistFromMarkdown(
  db: Db,
  data: CreateChecklistFromMarkdownInput,
  actor: Actor,
): Promise<(Created & { preview: ChecklistPreview }) | Refused> {
  const draft = parseChecklistMarkdown(data.markdown);
  const preview = previewChecklist(draft);
  if (preview.totals.sections === 0) return refuse('empty', 'The Markdown has no checklist items or criteria');
  const asTemplate = data.asTemplate ?? false;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(deploymentChecklists)
      .values({
        title: data.title ?? draft.title ?? 'Untitled checklist',
        isTemplate: asTemplate,
        version: data.version ?? null,
        environment: data.environment ?? null,
        targetDate: data.targetDate ?? null,
        requiredRoles: draft.requiredRoles,
        createdBy: actor.id,
      })
      .returning({ id: deploymentChecklists.id });
    // Names written into the document's sign-off block are not sign-offs: a role signs in Flightdeck, as a
    // logged-in person with the permission, once its items are ticked. The preview shows them so nobody is
    // surprised.
    const items = await insertDraftRows(tx, row.id, draft, { keepChecked: !asTemplate, actorId: actor.id });
    await audit(tx, actor, {
      action: asTemplate ? 'checklist.template_create' : 'checklist.create',
      targetType: 'deployment_checklist',
      targetId: row.id,
      checklistId: row.id,
      details: { source: 'markdown', items, checked: preview.totals.checked, signatures: draft.signatures },
    });
    return { ok: true as const, checklistId: row.id, items, preview };
  });
}

export async function createTemplate(db: Db, data: CreateTemplateData, actor: Actor): Promise<Created | Refused> {
  const requiredRoles = signoffRoles.filter((r) => data.requiredRoles.includes(r));
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(deploymentChecklists)
      .values({ title: data.title, isTemplate: true, requiredRoles, createdBy: actor.id })
      .returning({ id: deploymentChecklists.id });
    const items = await insertDraftRows(tx, row.id, data, { keepChecked: false, actorId: actor.id });
    await audit(tx, actor, {
      action: 'checklist.template_create',
      targetType: 'deployment_checklist',
      targetId: row.id,
      checklistId: row.id,
      details: { source: 'form', items },
    });
    return { ok: true as const, checklistId: row.id, items };
  });
}

export async function instantiateFromTemplate(
  db: Db,
  data: InstantiateFromTemplateInput,
  actor: Actor,
): Promise<Created | Refused> {
  return db.transaction(async (tx) => {
    // Shared lock: a template being instantiated is not changed underneath, two instantiations run side by side.
    const [template] = await tx
      .select()
      .from(deploymentChecklists)
      .where(eq(deploymentChecklists.id, data.templateId))
      .for('share');
    if (!template) return refuse('not_found', 'Template not found');
    if (!template.isTemplate) return refuse('not_a_template', 'That checklist is not a template');
    const draft = await loadDraft(tx, template.id);
    if (!draft) return refuse('not_found', 'Template not found');
    const [row] = await tx
      .insert(deploymentChecklists)
      .values({
        title: data.title,
        templateId: template.id,
        version: data.version ?? null,
        environment: data.environment ?? null,
        targetDate: data.targetDate ?? null,
        requiredRoles: template.requiredRoles,
        createdBy: actor.id,
      })
      .returning({ id: deploymentChecklists.id });
    const items = await insertDraftRows(tx, row.id, draft, { keepChecked: false, actorId: actor.id });
    await audit(tx, actor, {
      action: 'checklist.instantiate',
      targetType: 'deployment_checklist',
      targetId: row.id,
      checklistId: row.id,
      details: { templateId: template.id, version: data.version, environment: data.environment, items },
    });
    return { ok: true as const, checklistId: row.id, items };
  });
}

// ------------------------------------------------------------------------------------------------ ticking

export type TickResult =
  | { ok: true; item: ChecklistItem; voidedSignoffs: VoidedSignoff[]; status: DeploymentChecklist['status'] }
  | Refused;

export function tickItem(db: Db, input: TickItemInput, actor: Actor): Promise<TickResult> {
  return setChecked(db, { ...input, checked: true }, actor);
}

export function untickItem(db: Db, input: UntickItemInput, actor: Actor): Promise<TickResult> {
  return setChecked(db, { ...input, checked: false }, actor);
}

async function setChecked(db: Db, input: { itemId: string; note?: string; checked: boolean }, actor: Actor): Promise<TickResult> {
  const { itemId, note, checked } = input;
  const action = checked ? 'checklist.tick' : 'checklist.untick';
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ checklistId: checklistItems.checklistId })
      .from(checklistItems)
      .where(eq(checklistItems.id, itemId));
    if (!found) return refuse('not_found', 'Item not found');
    const checklist = await lockChecklist(tx, found.checklistId);
    const [item] = await tx.select().from(checklistItems).where(eq(checklistItems.id, itemId)).for('update');
    if (!checklist || !item) return refuse('not_found', 'Item not found');
    if (checklist.isTemplate) return refuse('is_template', 'Templates are not ticked; create a checklist from it');
    if (checklist.status === 'archived') return refuse('archived', 'The checklist is archived');
    if (item.checked === checked) {
      return checked
        ? refuse('already_ticked', `Already ticked by ${item.checkedBy ?? 'someone'}`)
        : refuse('not_ticked', 'The item is not ticked');
    }

    const [updated] = await tx
      .update(checklistItems)
      .set(
        checked
          ? { checked: true, checkedBy: actor.id, checkedAt: sql`now()`, note: note ?? null }
          : { checked: false, checkedBy: null, checkedAt: null, note: null },
      )
      .where(eq(checklistItems.id, item.id))
      .returning();

    const [section] = await tx
      .select({ signoffRole: checklistSections.signoffRole, title: checklistSections.title })
      .from(checklistSections)
      .where(eq(checklistSections.id, item.sectionId));
    const reason = `"${section?.title}" changed: ${checked ? 'ticked' : 'unticked'} "${item.text}" (${actor.name})`;
    const voided = await voidCovering(tx, {
      actor,
      checklistId: checklist.id,
      sectionRole: section?.signoffRole ?? null,
      reason,
      cause: { action, itemId: item.id },
    });

    let status = checklist.status;
    if (status === 'draft' || (status === 'signed_off' && voided.length)) status = 'in_progress';
    await tx
      .update(deploymentChecklists)
      .set({ status, updatedAt: sql`now()` })
      .where(eq(deploymentChecklists.id, checklist.id));
    await audit(tx, actor, {
      action,
      targetType: 'checklist_item',
      targetId: item.id,
      checklistId: checklist.id,
      details: {
        sectionId: item.sectionId,
        section: section?.title,
        text: item.text,
        note: note ?? null,
        voidedSignoffs: voided,
      },
    });
    return { ok: true as const, item: updated, voidedSignoffs: voided, status };
  });
}

/** Voids the standing sign-offs that cover a section that just changed (all roles, or the section's own role). */
async function voidCovering(
  tx: Tx,
  args: {
    actor: Actor;
    checklistId: string;
    sectionRole: SignoffRole | null;
    reason: string;
    cause: Record<string, unknown>;
  },
): Promise<VoidedSignoff[]> {
  const standing = await tx
    .select()
    .from(checklistSignoffs)
    .where(
      and(
        eq(checklistSignoffs.checklistId, args.checklistId),
        isNull(checklistSignoffs.voidedAt),
        args.sectionRole ? eq(checklistSignoffs.role, args.sectionRole) : undefined,
      ),
    )
    .for('update');
  if (!standing.length) return [];
  await tx
    .update(checklistSignoffs)
    .set({ voidedAt: sql`now()`, voidedBy: args.actor.id, voidReason: args.reason })
    .where(
      inArray(
        checklistSignoffs.id,
        standing.map((s) => s.id),
      ),
    );
  for (const s of standing) {
    await audit(tx, args.actor, {
      action: 'checklist.signoff_void',
      targetType: 'checklist_signoff',
      targetId: s.id,
      checklistId: args.checklistId,
      details: { signoffRole: s.role, signedBy: s.signedBy, automatic: true, reason: args.reason, ...args.cause },
    });
  }
  return standing.map((s) => ({ id: s.id, role: s.role }));
}
