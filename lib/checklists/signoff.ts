import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import {
  checklistGateNotices,
  checklistItems,
  checklistSections,
  checklistSignoffs,
  deploymentChecklists,
  type ChecklistSignoff,
  type DeploymentChecklist,
} from '@/lib/db/schema';
import type { ChecklistPhase, SignoffRole } from '@/lib/db/schema/enums';
import { audit, lockChecklist, refuse, type Refused } from './command-kit';
import { policySatisfied, roleProgress, signerOf, signRefusal, type PolicyState } from './policy';
import type { SignOffInput, VoidSignoffInput } from './schemas';
import type { DbOrTx } from './store';

/**
 * Signing off and withdrawing. A sign-off is refused when items it covers are open (see commands.ts) or when the
 * checklist's approval policy says no (lib/checklists/policy.ts: who may sign, how many people, one role per
 * person, no self-review); the refusal's message says which rule and why.
 */

/** What the policy rules read: the standing sign-offs, the sections and who ticked in each. */
export async function loadPolicyState(db: DbOrTx, checklist: DeploymentChecklist): Promise<PolicyState> {
  const [standing, sections, tickers] = await Promise.all([
    db
      .select({ role: checklistSignoffs.role, signedBy: checklistSignoffs.signedBy, signedByName: checklistSignoffs.signedByName })
      .from(checklistSignoffs)
      .where(and(eq(checklistSignoffs.checklistId, checklist.id), isNull(checklistSignoffs.voidedAt)))
      .orderBy(checklistSignoffs.signedAt, checklistSignoffs.id),
    db
      .select({ id: checklistSections.id, title: checklistSections.title, signoffRole: checklistSections.signoffRole })
      .from(checklistSections)
      .where(eq(checklistSections.checklistId, checklist.id))
      .orderBy(checklistSections.position),
    db
      .selectDistinct({ sectionId: checklistItems.sectionId, userId: sql<string>`${checklistItems.checkedBy}` })
      .from(checklistItems)
      .where(and(eq(checklistItems.checklistId, checklist.id), eq(checklistItems.checked, true), sql`${checklistItems.checkedBy} IS NOT NULL`)),
  ]);
  return {
    requiredRoles: checklist.requiredRoles as SignoffRole[],
    policy: checklist.approvalPolicy ?? null,
    standing,
    sections,
    tickers,
  };
}

export type OpenItem = { id: string; text: string; sectionTitle: string; phase: ChecklistPhase };

export type SignOffResult =
  | { ok: true; signoff: ChecklistSignoff; status: DeploymentChecklist['status'] }
  | (Refused & { openItems?: OpenItem[]; openCount?: number });

/** The required, unticked items a role's sign-off is waiting for (see the coverage rule at the top). */
export async function openItemsForRole(db: DbOrTx, checklistId: string, role: SignoffRole, limit = 20) {
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
    const state = await loadPolicyState(tx, checklist);
    const refused = signRefusal(state, data.role, signerOf(actor));
    if (refused) return refuse(refused.reason, refused.message);
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
    const after: PolicyState = {
      ...state,
      standing: [...state.standing, { role: data.role, signedBy: actor.id, signedByName: actor.name }],
    };
    const status = policySatisfied(after)
      ? checklist.status === 'live'
        ? 'live'
        : 'signed_off'
      : checklist.status === 'draft'
        ? 'in_progress'
        : checklist.status;
    // The role has its sign-offs: a later void makes a waiting gate notify it again.
    if (roleProgress(after, data.role).missing === null) {
      await tx
        .delete(checklistGateNotices)
        .where(and(eq(checklistGateNotices.checklistId, checklist.id), eq(checklistGateNotices.role, data.role)));
    }
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
