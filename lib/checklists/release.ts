import { eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { checklistItems, checklistSections, deploymentChecklists, type DeploymentChecklist } from '@/lib/db/schema';
import { audit, lockChecklist, refuse, voidCovering, type Refused, type VoidedSignoff } from './command-kit';
import { instantiate, type ReleaseInput } from './commands';
import { getGate } from './gate';
import { notifyPendingGate } from './gate-notify';

/** Release commands: a checklist for a release (from the API), an item marked failed, the release marked deployed. */

export type ReleaseCreated = { ok: true; checklistId: string; created: boolean; notified: number };

/** POST /api/v1/checklists: idempotent on (template, version, environment); a new one notifies the roles it waits on. */
export async function createReleaseChecklist(
  db: Db,
  input: ReleaseInput & { version: string; environment: string },
  actor: Actor,
): Promise<ReleaseCreated | Refused> {
  const r = await db.transaction((tx) => instantiate(tx, input, actor));
  if (!r.ok) return r;
  const notified = r.created ? await notifyGateIfPending(db, r.checklistId) : 0;
  return { ok: true, checklistId: r.checklistId, created: r.created, notified };
}

/** Notifies the roles a pending gate waits on (each once, until it is satisfied again); returns the people told. */
export async function notifyGateIfPending(db: Db, checklistId: string) {
  const g = await getGate(db, { checklistId });
  if (!g.ok || g.gate.state !== 'pending') return 0;
  const roles = g.gate.missing.flatMap((m) => (m.kind === 'signoff' ? [m.role] : []));
  if (!roles.length) return 0;
  return db.transaction((tx) => notifyPendingGate(tx, g.gate, roles));
}

export type FailResult =
  | { ok: true; checklistId: string; voidedSignoffs: VoidedSignoff[]; status: DeploymentChecklist['status'] }
  | Refused;

/** Marks an item failed (a check that did not pass); it is unticked, and the sign-offs covering it are voided. */
export async function failItem(db: Db, input: { itemId: string; note: string }, actor: Actor): Promise<FailResult> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ checklistId: checklistItems.checklistId })
      .from(checklistItems)
      .where(eq(checklistItems.id, input.itemId));
    if (!found) return refuse('not_found', 'Item not found');
    const checklist = await lockChecklist(tx, found.checklistId);
    const [item] = await tx.select().from(checklistItems).where(eq(checklistItems.id, input.itemId)).for('update');
    if (!checklist || !item) return refuse('not_found', 'Item not found');
    if (checklist.isTemplate) return refuse('is_template', 'Templates are not ticked; create a checklist from it');
    if (checklist.status === 'archived') return refuse('archived', 'The checklist is archived');
    if (item.failedAt) return refuse('already_ticked', `Already marked failed by ${item.failedBy ?? 'someone'}`);
    await tx
      .update(checklistItems)
      .set({ checked: false, checkedBy: null, checkedAt: null, note: input.note, failedAt: sql`now()`, failedBy: actor.id })
      .where(eq(checklistItems.id, item.id));
    const [section] = await tx
      .select({ signoffRole: checklistSections.signoffRole, title: checklistSections.title })
      .from(checklistSections)
      .where(eq(checklistSections.id, item.sectionId));
    const voided = await voidCovering(tx, {
      actor,
      checklistId: checklist.id,
      sectionRole: section?.signoffRole ?? null,
      reason: `"${section?.title}" changed: "${item.text}" failed (${actor.name}): ${input.note}`,
      cause: { action: 'checklist.item_fail', itemId: item.id },
    });
    const status = checklist.status === 'draft' || checklist.status === 'signed_off' ? 'in_progress' : checklist.status;
    await tx.update(deploymentChecklists).set({ status, updatedAt: sql`now()` }).where(eq(deploymentChecklists.id, checklist.id));
    await audit(tx, actor, {
      action: 'checklist.item_fail',
      targetType: 'checklist_item',
      targetId: item.id,
      checklistId: checklist.id,
      details: { sectionId: item.sectionId, section: section?.title, text: item.text, note: input.note, voidedSignoffs: voided },
    });
    return { ok: true as const, checklistId: checklist.id, voidedSignoffs: voided, status };
  });
}

export type DeployedResult = { ok: true; checklistId: string; deployedAt: Date; alreadyDeployed: boolean } | Refused;

/** The pipeline deployed the release: only once its gate passed. From then on a voided sign-off fails the gate. */
export async function markDeployed(db: Db, input: { checklistId: string }, actor: Actor): Promise<DeployedResult> {
  return db.transaction(async (tx) => {
    const checklist = await lockChecklist(tx, input.checklistId);
    if (!checklist) return refuse('not_found', 'Checklist not found');
    if (checklist.isTemplate) return refuse('is_template', 'A template is not deployed');
    if (checklist.deployedAt) {
      return { ok: true as const, checklistId: checklist.id, deployedAt: checklist.deployedAt, alreadyDeployed: true };
    }
    // Read in the transaction, under the checklist's lock: no tick or void can slip in before the update.
    const gate = await getGate(tx, { checklistId: checklist.id });
    if (!gate.ok) return refuse('not_found', gate.message);
    if (gate.gate.state !== 'pass') {
      return refuse('gate_not_passed', `The gate is ${gate.gate.state}: ${gate.gate.missing.map((m) => m.message).join('; ')}`);
    }
    const [row] = await tx
      .update(deploymentChecklists)
      .set({ status: 'live', deployedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(deploymentChecklists.id, checklist.id))
      .returning({ deployedAt: deploymentChecklists.deployedAt });
    await audit(tx, actor, {
      action: 'checklist.deploy',
      targetType: 'deployment_checklist',
      targetId: checklist.id,
      checklistId: checklist.id,
      details: { version: checklist.version, environment: checklist.environment, commitSha: checklist.commitSha },
    });
    return { ok: true as const, checklistId: checklist.id, deployedAt: row.deployedAt!, alreadyDeployed: false };
  });
}
