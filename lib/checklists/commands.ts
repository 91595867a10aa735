import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { checklistItems, checklistSections, deploymentChecklists, type ChecklistItem, type DeploymentChecklist } from '@/lib/db/schema';
import { signoffRoles } from '@/lib/db/schema/enums';
import { audit, lockChecklist, refuse, voidCovering, type Refused, type VoidedSignoff } from './command-kit';
import { parseChecklistMarkdown, previewChecklist, type ChecklistPreview } from './markdown';
import type {
  CreateChecklistFromMarkdownInput,
  CreateTemplateData,
  InstantiateFromTemplateInput,
  TickItemInput,
  UntickItemInput,
} from './schemas';
import { insertDraftRows, loadDraft, type Tx } from './store';

export type { Refusal, Refused } from './command-kit';
export { openItemsForRole, signOff, voidSignoff, type OpenItem, type SignOffResult, type VoidResult } from './signoff';

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
    const r = await instantiate(tx, { ...data, template: data.templateId }, actor);
    if (!r.ok || r.created) return r;
    return refuse('release_exists', `A checklist for ${data.version} in ${data.environment} was already made from this template`);
  });
}

export type ReleaseInput = {
  /** The template's id, or its exact title. */
  template: string;
  title?: string;
  version?: string;
  environment?: string;
  targetDate?: string;
  commitSha?: string;
  link?: string;
};

/**
 * A checklist from a template, in the caller's transaction. The template's approval policy is copied onto it (a
 * later change of the template's policy does not move the goalposts of a release under way). Idempotent on
 * (template, version, environment): a second call returns the existing checklist with `created: false`.
 */
export async function instantiate(
  tx: Tx,
  data: ReleaseInput,
  actor: Actor,
): Promise<(Created & { created: boolean }) | Refused> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(data.template);
  // Shared lock: a template being instantiated is not changed underneath, two instantiations run side by side.
  const found = await tx
    .select()
    .from(deploymentChecklists)
    .where(
      uuid
        ? eq(deploymentChecklists.id, data.template)
        : and(eq(deploymentChecklists.title, data.template), eq(deploymentChecklists.isTemplate, true)),
    )
    .limit(2)
    .for('share');
  const template = found[0];
  if (!template) return refuse('not_found', 'Template not found');
  if (found.length > 1) return refuse('not_found', `Several templates are called "${data.template}": use its id`);
  if (!template.isTemplate) return refuse('not_a_template', 'That checklist is not a template');
  const draft = await loadDraft(tx, template.id);
  if (!draft) return refuse('not_found', 'Template not found');
  const [row] = await tx
    .insert(deploymentChecklists)
    .values({
      title: data.title ?? `${template.title} ${data.version ?? ''}`.trim(),
      templateId: template.id,
      version: data.version ?? null,
      environment: data.environment ?? null,
      targetDate: data.targetDate ?? null,
      commitSha: data.commitSha ?? null,
      link: data.link ?? null,
      requiredRoles: template.requiredRoles,
      approvalPolicy: template.approvalPolicy,
      createdBy: actor.id,
    })
    .onConflictDoNothing()
    .returning({ id: deploymentChecklists.id });
  if (!row) {
    const [existing] = await tx
      .select({ id: deploymentChecklists.id })
      .from(deploymentChecklists)
      .where(
        and(
          eq(deploymentChecklists.templateId, template.id),
          eq(deploymentChecklists.version, data.version ?? ''),
          eq(deploymentChecklists.environment, data.environment ?? ''),
        ),
      );
    if (!existing) return refuse('not_found', 'Template not found');
    const [{ items }] = await tx
      .select({ items: sql<number>`count(*)::int` })
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, existing.id));
    return { ok: true as const, checklistId: existing.id, items, created: false };
  }
  const items = await insertDraftRows(tx, row.id, draft, { keepChecked: false, actorId: actor.id });
  await audit(tx, actor, {
    action: 'checklist.instantiate',
    targetType: 'deployment_checklist',
    targetId: row.id,
    checklistId: row.id,
    details: {
      templateId: template.id,
      version: data.version,
      environment: data.environment,
      commitSha: data.commitSha ?? null,
      items,
      policy: template.approvalPolicy ?? null,
    },
  });
  return { ok: true as const, checklistId: row.id, items, created: true };
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
          ? { checked: true, checkedBy: actor.id, checkedAt: sql`now()`, note: note ?? null, failedAt: null, failedBy: null }
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
