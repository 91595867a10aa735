import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { checklistSignoffs, deploymentChecklists, type DeploymentChecklist } from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import type { Tx } from './store';

/** What every checklist command shares: refusals, the audit row, the checklist lock, voiding covering sign-offs. */

export type Refusal =
  | 'not_eligible'
  | 'one_role_per_person'
  | 'self_review'
  | 'release_exists'
  | 'gate_not_passed'
  | 'not_failed'
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

export type VoidedSignoff = { id: string; role: SignoffRole };

export function refuse(reason: Refusal, message: string): Refused {
  return { ok: false, reason, message };
}

/** A checklist's audit row; `checklistId` in details is what idx_audit_log_checklist and the history look for. */
export function audit(
  tx: Tx,
  actor: Actor,
  entry: { action: `checklist.${string}`; targetType: string; targetId: string; checklistId: string; details?: Record<string, unknown> },
) {
  const { checklistId, details, ...rest } = entry;
  return recordAudit(tx, { actor, ...rest, outcome: 'success', details: { checklistId, ...details } });
}

export async function lockChecklist(tx: Tx, checklistId: string): Promise<DeploymentChecklist | undefined> {
  const [row] = await tx
    .select()
    .from(deploymentChecklists)
    .where(eq(deploymentChecklists.id, checklistId))
    .for('update');
  return row;
}

/** Voids the standing sign-offs that cover a section that just changed (all roles, or the section's own role). */
export async function voidCovering(
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
