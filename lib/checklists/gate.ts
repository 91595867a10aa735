import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { checklistItems, checklistSignoffs, deploymentChecklists, type DeploymentChecklist } from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { waitForChecklistSignal } from '@/lib/events/bus';
import { roleLabel } from './markdown';
import { roleProgress } from './policy';
import { loadPolicyState } from './signoff';
import type { DbOrTx } from './store';

/**
 * The release gate a pipeline asks before deploying: `pass` once every required role has its sign-offs (by the
 * policy) and no required item is open; `fail` when a required item is marked failed, or a sign-off was voided
 * after the release was marked deployed; `pending` otherwise. `missing` says, one line each, what is still
 * missing or why it failed.
 */
export type GateState = 'pass' | 'pending' | 'fail';

export type GateMissing =
  | { kind: 'signoff'; role: SignoffRole; needed: number; have: number; message: string }
  | { kind: 'items'; count: number; message: string }
  | { kind: 'failed_item'; itemId: string; message: string }
  | { kind: 'voided_after_deploy'; role: SignoffRole; message: string };

export type GateSignoff = {
  role: SignoffRole;
  signedBy: string;
  signedByName: string | null;
  signedAt: string;
  voidedAt: string | null;
  voidReason: string | null;
};

export type Gate = {
  checklistId: string;
  title: string;
  version: string | null;
  environment: string | null;
  commitSha: string | null;
  status: DeploymentChecklist['status'];
  deployedAt: string | null;
  state: GateState;
  missing: GateMissing[];
  signoffs: GateSignoff[];
};

export type GateResult = { ok: true; gate: Gate } | { ok: false; reason: 'not_found' | 'is_template'; message: string };

export async function getGate(db: DbOrTx, input: { checklistId: string }): Promise<GateResult> {
  const [checklist] = await db.select().from(deploymentChecklists).where(eq(deploymentChecklists.id, input.checklistId));
  if (!checklist) return { ok: false, reason: 'not_found', message: 'No checklist with this id' };
  if (checklist.isTemplate) return { ok: false, reason: 'is_template', message: 'A template has no gate: create a checklist from it' };
  const [state, items, signoffs] = await Promise.all([
    loadPolicyState(db, checklist),
    db
      .select({
        id: checklistItems.id,
        text: checklistItems.text,
        sectionTitle: checklistItems.sectionTitle,
        checked: checklistItems.checked,
        failedAt: checklistItems.failedAt,
      })
      .from(checklistItems)
      .where(and(eq(checklistItems.checklistId, checklist.id), eq(checklistItems.required, true)))
      .orderBy(asc(checklistItems.position)),
    db
      .select()
      .from(checklistSignoffs)
      .where(eq(checklistSignoffs.checklistId, checklist.id))
      .orderBy(asc(checklistSignoffs.signedAt), asc(checklistSignoffs.id)),
  ]);
  const failures: GateMissing[] = items
    .filter((i) => i.failedAt)
    .map((i) => ({ kind: 'failed_item', itemId: i.id, message: `Failed: "${i.text}" (${i.sectionTitle})` }));
  const deployedAt = checklist.deployedAt;
  if (deployedAt) {
    for (const s of signoffs) {
      if (s.voidedAt && s.voidedAt > deployedAt) {
        failures.push({
          kind: 'voided_after_deploy',
          role: s.role,
          message: `${roleLabel(s.role)} sign-off by ${s.signedByName ?? s.signedBy} was voided after the deploy: ${s.voidReason ?? 'no reason given'}`,
        });
      }
    }
  }
  const missing: GateMissing[] = [...failures];
  const open = items.filter((i) => !i.checked).length;
  if (open > 0) missing.push({ kind: 'items', count: open, message: `${open} required item${open === 1 ? ' is' : 's are'} not ticked` });
  for (const role of state.requiredRoles) {
    const p = roleProgress(state, role);
    if (p.missing) missing.push({ kind: 'signoff', role, needed: p.needed, have: p.signers.length, message: p.missing });
  }
  return {
    ok: true,
    gate: {
      checklistId: checklist.id,
      title: checklist.title,
      version: checklist.version,
      environment: checklist.environment,
      commitSha: checklist.commitSha,
      status: checklist.status,
      deployedAt: deployedAt?.toISOString() ?? null,
      state: failures.length ? 'fail' : missing.length ? 'pending' : 'pass',
      missing,
      signoffs: signoffs.map((s) => ({
        role: s.role,
        signedBy: s.signedBy,
        signedByName: s.signedByName,
        signedAt: s.signedAt.toISOString(),
        voidedAt: s.voidedAt?.toISOString() ?? null,
        voidReason: s.voidReason,
      })),
    },
  };
}

export const MAX_GATE_WAIT_S = 30;

/**
 * Long-poll, as the control endpoint does: while the gate is pending, wait up to `waitSeconds` (≤ 30) for a
 * change, woken at once by an in-process signal and re-reading every `pollMs` for changes made on other instances.
 */
export async function waitForGate(
  db: Db,
  input: { checklistId: string; waitSeconds: number; pollMs?: number; signal?: AbortSignal },
): Promise<GateResult> {
  const deadline = Date.now() + Math.min(Math.max(input.waitSeconds, 0), MAX_GATE_WAIT_S) * 1000;
  const pollMs = input.pollMs ?? 1000;
  for (;;) {
    const result = await getGate(db, { checklistId: input.checklistId });
    if (!result.ok || result.gate.state !== 'pending') return result;
    const left = deadline - Date.now();
    if (left <= 0 || input.signal?.aborted) return result;
    await waitForChecklistSignal(input.checklistId, Math.min(left, pollMs), input.signal);
  }
}
