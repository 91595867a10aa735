import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import {
  checklistItems,
  checklistSections,
  checklistSignoffs,
  deploymentChecklists,
  type ChecklistItem,
  type ChecklistSignoff,
  type DeploymentChecklist,
} from '@/lib/db/schema';
import { signoffRoles, type ChecklistPhase, type SignoffRole } from '@/lib/db/schema/enums';
import { parseChecklistMarkdown, previewChecklist, type ChecklistPreview } from './markdown';
import type {
  CreateChecklistFromMarkdownInput,
  CreateTemplateData,
  InstantiateFromTemplateInput,
  SignOffInput,
  TickItemInput,
  UntickItemInput,
  VoidSignoffInput,
} from './schemas';
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

export type Refusal =
  | 'not_found'
  | 'wrong_role'
  | 'empty'
  | 'is_template'
  | 'not_a_template'
  | 'archived'
  | 'already_ticked'
  | 'not_ticked'
  | 'role_not_required'
  | 'already_signed'
  | 'items_open'
  | 'already_voided';

export type Refused = { ok: false; reason: Refusal; message: string };

type VoidedSignoff = { id: string; role: SignoffRole };

function refuse(reason: Refusal, message: string): Refused {
  return { ok: false, reason, message };
}

/** A checklist's audit row; `checklistId` in details is what idx_audit_log_checklist and the history look for. */
function audit(
  tx: Tx,
  actor: Actor,
  entry: { action: `checklist.${string}`; targetType: string; targetId: string; checklistId: string; details?: Record<string, unknown> },
) {
  const { checklistId, details, ...rest } = entry;
  return recordAudit(tx, { actor, ...rest, outcome: 'success', details: { checklistId, ...details } });
}

async function lockChecklist(tx: Tx, checklistId: string): Promise<DeploymentChecklist | undefined> {
  const [row] = await tx
    .select()
    .from(deploymentChecklists)
    .where(eq(deploymentChecklists.id, checklistId))
    .for('update');
  return row;
}

function allRolesSigned(required: readonly string[], standing: readonly string[]) {
  return required.every((r) => standing.includes(r));
}

async function standingRoles(tx: Tx, checklistId: string) {
  const rows = await tx
    .select({ role: checklistSignoffs.role })
    .from(checklistSignoffs)
    .where(and(eq(checklistSignoffs.checklistId, checklistId), isNull(checklistSignoffs.voidedAt)));
  return rows.map((r) => r.role);
}

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

// ------------------------------------------------------------------------------------------------ sign-off

export type OpenItem = { id: string; text: string; sectionTitle: string; phase: ChecklistPhase };

export type SignOffResult =
  | { ok: true; signoff: ChecklistSignoff; status: DeploymentChecklist['status'] }
  | (Refused & { openItems?: OpenItem[]; openCount?: number });

/** The required, unticked items a role's sign-off is waiting for (see the coverage rule at the top). */
export async function openItemsForRole(db: Db | Tx, checklistId: string, role: SignoffRole, limit = 20) {
  const where = and(
    eq(checklistItems.checklistId, checklistId),
    eq(checklistItems.required, true),
    eq(checklistItems.checked, false),
    or(isNull(checklistSections.signoffRole), eq(checklistSections.signoffRole, role)),
  );
  const [{ count }] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(checklistItems)
    .innerJoin(checklistSections, eq(checklistSections.id, checklistItems.sectionId))
    .where(where);
  const items: OpenItem[] = count && limit > 0
    ? await db
        .select({
          id: checklistItems.id,
          text: checklistItems.text,
          sectionTitle: checklistSections.title,
          phase: checklistSections.phase,
        })
        .from(checklistItems)
        .innerJoin(checklistSections, eq(checklistSections.id, checklistItems.sectionId))
        .where(where)
        .orderBy(checklistItems.position)
        .limit(limit)
    : [];
  return { count, items };
}

/** Signs a role off; the actor is whoever the guard let through for that role's sign permission. */
export async function signOff(db: Db, data: SignOffInput, actor: Actor): Promise<SignOffResult> {
  return db.transaction(async (tx) => {
    const checklist = await lockChecklist(tx, data.checklistId);
    if (!checklist) return refuse('not_found', 'Checklist not found');
    if (checklist.isTemplate) return refuse('is_template', 'Templates are not signed off');
    if (checklist.status === 'archived') return refuse('archived', 'The checklist is archived');
    if (!checklist.requiredRoles.includes(data.role)) {
      return refuse('role_not_required', `This checklist does not ask for a ${data.role} sign-off`);
    }
    const standing = await standingRoles(tx, checklist.id);
    if (standing.includes(data.role)) return refuse('already_signed', `${data.role} has already signed off`);
    const open = await openItemsForRole(tx, checklist.id, data.role);
    if (open.count > 0) {
      return {
        ...refuse('items_open', `${open.count} required item${open.count === 1 ? ' is' : 's are'} not ticked`),
        openItems: open.items,
        openCount: open.count,
      };
    }
    const [signoff] = await tx
      .insert(checklistSignoffs)
      .values({
        checklistId: checklist.id,
        role: data.role,
        signedBy: actor.id,
        signedByName: actor.name,
        note: data.note ?? null,
      })
      .returning();
    const status = allRolesSigned(checklist.requiredRoles, [...standing, data.role])
      ? 'signed_off'
      : checklist.status === 'draft'
        ? 'in_progress'
        : checklist.status;
    await tx
      .update(deploymentChecklists)
      .set({ status, updatedAt: sql`now()` })
      .where(eq(deploymentChecklists.id, checklist.id));
    await audit(tx, actor, {
      action: 'checklist.signoff',
      targetType: 'checklist_signoff',
      targetId: signoff.id,
      checklistId: checklist.id,
      details: { signoffRole: data.role, note: data.note ?? null, status },
    });
    return { ok: true as const, signoff, status };
  });
}

export type VoidResult = { ok: true; signoff: ChecklistSignoff; status: DeploymentChecklist['status'] } | Refused;

/**
 * Withdraws a standing sign-off by hand; whoever may sign the role may void it. `role` is the role the guard
 * checked the sign permission of: a sign-off of another role is refused.
 */
export async function voidSignoff(db: Db, data: VoidSignoffInput, actor: Actor): Promise<VoidResult> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ checklistId: checklistSignoffs.checklistId })
      .from(checklistSignoffs)
      .where(eq(checklistSignoffs.id, data.signoffId));
    if (!found) return refuse('not_found', 'Sign-off not found');
    const checklist = await lockChecklist(tx, found.checklistId);
    const [signoff] = await tx
      .select()
      .from(checklistSignoffs)
      .where(eq(checklistSignoffs.id, data.signoffId))
      .for('update');
    if (!checklist || !signoff) return refuse('not_found', 'Sign-off not found');
    if (signoff.role !== data.role) return refuse('wrong_role', `That is a ${signoff.role} sign-off, not ${data.role}`);
    if (signoff.voidedAt) return refuse('already_voided', 'The sign-off is already void');
    const [updated] = await tx
      .update(checklistSignoffs)
      .set({ voidedAt: sql`now()`, voidedBy: actor.id, voidReason: data.reason })
      .where(eq(checklistSignoffs.id, signoff.id))
      .returning();
    const status = checklist.status === 'signed_off' ? 'in_progress' : checklist.status;
    await tx
      .update(deploymentChecklists)
      .set({ status, updatedAt: sql`now()` })
      .where(eq(deploymentChecklists.id, checklist.id));
    await audit(tx, actor, {
      action: 'checklist.signoff_void',
      targetType: 'checklist_signoff',
      targetId: signoff.id,
      checklistId: checklist.id,
      details: { signoffRole: signoff.role, signedBy: signoff.signedBy, automatic: false, reason: data.reason },
    });
    return { ok: true as const, signoff: updated, status };
  });
}
