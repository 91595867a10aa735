import { eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { deploymentChecklists } from '@/lib/db/schema';
import { signoffRoles, type SignoffRole } from '@/lib/db/schema/enums';
import { audit, lockChecklist, refuse, type Refused } from './command-kit';
import type { ApprovalPolicy } from './policy-types';

export type PolicySaved = { ok: true; requiredRoles: SignoffRole[]; policy: ApprovalPolicy } | Refused;

/**
 * Sets a template's required roles and approval policy (the template editor). Checklists already made from it keep
 * the policy they were created with: a release under way is not re-judged by a later change.
 */
export async function setApprovalPolicy(
  db: Db,
  input: { templateId: string; requiredRoles: SignoffRole[]; policy: ApprovalPolicy },
  actor: Actor,
): Promise<PolicySaved> {
  return db.transaction(async (tx) => {
    const template = await lockChecklist(tx, input.templateId);
    if (!template) return refuse('not_found', 'Template not found');
    if (!template.isTemplate) return refuse('not_a_template', 'Only a template has an editable approval policy');
    const requiredRoles = signoffRoles.filter((r) => input.requiredRoles.includes(r));
    if (!requiredRoles.length) return refuse('role_not_required', 'Choose at least one required role');
    // Only the required roles' settings are kept.
    const roles = Object.fromEntries(
      Object.entries(input.policy.roles).filter(([r]) => requiredRoles.includes(r as SignoffRole)),
    ) as ApprovalPolicy['roles'];
    const policy: ApprovalPolicy = { ...input.policy, roles };
    await tx
      .update(deploymentChecklists)
      .set({ requiredRoles, approvalPolicy: policy, updatedAt: sql`now()` })
      .where(eq(deploymentChecklists.id, template.id));
    await audit(tx, actor, {
      action: 'checklist.policy_set',
      targetType: 'deployment_checklist',
      targetId: template.id,
      checklistId: template.id,
      details: { requiredRoles, policy, before: { requiredRoles: template.requiredRoles, policy: template.approvalPolicy } },
    });
    return { ok: true as const, requiredRoles, policy };
  });
}
