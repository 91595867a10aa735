import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { checklistSignoffs, deploymentChecklists, type DeploymentChecklist } from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import type { Tx } from './store';

/** What every checklist command shares: its refusals, its audit row, the checklist lock and the standing sign-offs. */

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

export function allRolesSigned(required: readonly string[], standing: readonly string[]) {
  return required.every((r) => standing.includes(r));
}

export async function standingRoles(tx: Tx, checklistId: string) {
  const rows = await tx
    .select({ role: checklistSignoffs.role })
    .from(checklistSignoffs)
    .where(and(eq(checklistSignoffs.checklistId, checklistId), isNull(checklistSignoffs.voidedAt)));
  return rows.map((r) => r.role);
}
