import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import {
  checklistItems,
  checklistSections,
  checklistSignoffs,
  deploymentChecklists,
  type ChecklistSignoff,
  type DeploymentChecklist,
} from '@/lib/db/schema';
import type { ChecklistPhase, SignoffRole } from '@/lib/db/schema/enums';
import { allRolesSigned, audit, lockChecklist, refuse, standingRoles, type Refused } from './command-helpers';
import type { SignOffInput, VoidSignoffInput } from './schemas';
import type { Tx } from './store';

/** Sign-off and its void: the coverage rule is at the top of ./commands.ts. Same contract as the other checklist commands. */

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
