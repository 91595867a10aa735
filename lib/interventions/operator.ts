import { eq } from 'drizzle-orm';
import { userActor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { startRecovery } from '@/lib/checkpoints/commands';
import type { Db } from '@/lib/db/client';
import { agentSessions, pausedSessions } from '@/lib/db/schema';
import { signalSession } from '@/lib/events/bus';
import {
  abortSession,
  addInterventionNote,
  assignIntervention,
  bulkResolveInterventions,
  describeAlreadyResolved,
  resumeSession,
  type BulkItemResult,
  type TxHooks,
} from './commands';

/**
 * What the console's server actions do once the guard has let a person through: call the transition with an
 * audit_log row written in its transaction, and turn the result union into a message for that person. Kept
 * here (not in the 'use server' file) so the behaviour is tested on both databases without a browser.
 */
export type Operator = { id: string; email: string; role: string };
export type RequestMeta = { ip?: string | null; userAgent?: string | null };
export type OperatorResult<T = undefined> = { ok?: boolean; error?: string; data?: T };

function audited(op: Operator, meta: RequestMeta, action: string, details: Record<string, unknown> = {}): TxHooks {
  return {
    inTx: (tx, pause) =>
      recordAudit(tx, {
        actor: { kind: 'user', id: op.id, email: op.email, role: op.role },
        action,
        targetType: 'paused_session',
        targetId: pause.id,
        outcome: 'success',
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { sessionId: pause.sessionId, ...details },
      }),
  };
}

const gone = 'This pause no longer exists.';

export async function operatorResume(
  db: Db,
  input: { operator: Operator; meta?: RequestMeta; pausedSessionId: string; note?: string | null },
): Promise<OperatorResult> {
  const r = await resumeSession(
    db,
    { pausedSessionId: input.pausedSessionId, note: input.note, actor: userActor(input.operator) },
    audited(input.operator, input.meta ?? {}, 'interventions:resume', { note: input.note ?? null }),
  );
  if (r.ok) return { ok: true };
  return { error: r.reason === 'already_resolved' ? describeAlreadyResolved(r) : gone };
}

export async function operatorAbort(
  db: Db,
  input: { operator: Operator; meta?: RequestMeta; pausedSessionId: string; reason?: string | null },
): Promise<OperatorResult> {
  const r = await abortSession(
    db,
    { pausedSessionId: input.pausedSessionId, reason: input.reason, actor: userActor(input.operator) },
    audited(input.operator, input.meta ?? {}, 'interventions:abort', { reason: input.reason ?? null }),
  );
  if (r.ok) return { ok: true };
  return { error: r.reason === 'already_resolved' ? describeAlreadyResolved(r) : gone };
}

export async function operatorNote(
  db: Db,
  input: { operator: Operator; meta?: RequestMeta; pausedSessionId: string; note: string },
): Promise<OperatorResult> {
  const r = await addInterventionNote(
    db,
    { pausedSessionId: input.pausedSessionId, note: input.note, actor: userActor(input.operator) },
    audited(input.operator, input.meta ?? {}, 'interventions:note'),
  );
  return r.ok ? { ok: true } : { error: gone };
}

export async function operatorAssign(
  db: Db,
  input: { operator: Operator; meta?: RequestMeta; pausedSessionId: string; force?: boolean },
): Promise<OperatorResult> {
  const r = await assignIntervention(
    db,
    { pausedSessionId: input.pausedSessionId, actor: userActor(input.operator), force: input.force },
    audited(input.operator, input.meta ?? {}, 'interventions:assign', { force: Boolean(input.force) }),
  );
  if (r.ok) return { ok: true };
  if (r.reason === 'already_resolved') return { error: describeAlreadyResolved(r) };
  if (r.reason === 'assigned_to_other') return { error: `Already assigned to ${r.assignedTo}. Take it over to reassign it to you.` };
  return { error: gone };
}

const restoreRefusals = {
  not_found: 'That pause or checkpoint no longer exists.',
  no_valid_checkpoint: 'This session has no valid checkpoint to restore from.',
  checkpoint_invalid: 'That checkpoint has been invalidated; pick another.',
  checkpoint_other_session: 'That checkpoint belongs to another session.',
} as const;

/**
 * Restore from a checkpoint (latest valid by default), optionally with edits. The pause must still be open:
 * restoring a pause someone already resumed would undo their decision. Locks session → pause in startRecovery's
 * order and runs startRecovery inside this transaction (a savepoint), so the audit row commits with it.
 */
export async function operatorRestore(
  db: Db,
  input: {
    operator: Operator;
    meta?: RequestMeta;
    pausedSessionId: string;
    checkpointId?: string | null;
    currentTask?: string | null;
    instruction?: string | null;
    note?: string | null;
  },
): Promise<OperatorResult<{ recoveryId: string; sequence: number }>> {
  const [target] = await db
    .select({ sessionId: pausedSessions.sessionId })
    .from(pausedSessions)
    .where(eq(pausedSessions.id, input.pausedSessionId));
  if (!target) return { error: gone };
  const result = await db.transaction(async (tx): Promise<OperatorResult<{ recoveryId: string; sequence: number }>> => {
    await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, target.sessionId)).for('update');
    const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId)).for('update');
    if (!pause) return { error: gone };
    if (pause.resolved) {
      return {
        error: describeAlreadyResolved({
          ok: false,
          reason: 'already_resolved',
          resolution: pause.resolution!,
          resolvedBy: pause.resolvedBy,
          resolvedAt: pause.resolvedAt,
        }),
      };
    }
    const modifications = { currentTask: input.currentTask ?? undefined, instruction: input.instruction ?? undefined };
    const r = await startRecovery(tx, {
      sessionId: pause.sessionId,
      checkpointId: input.checkpointId,
      actor: userActor(input.operator),
      modifications,
      note: input.note,
    });
    if (!r.ok) {
      if (r.reason === 'session_finished') return { error: `The session has already ${r.status}.` };
      if (r.reason === 'recovery_in_progress') return { error: `A recovery is already in progress (started by ${r.initiatedBy ?? 'someone'}).` };
      return { error: restoreRefusals[r.reason] };
    }
    await audited(input.operator, input.meta ?? {}, 'interventions:restore', {
      checkpointId: r.checkpoint.id,
      sequence: r.checkpoint.sequence,
      recoveryId: r.recovery.id,
      modified: Boolean(input.currentTask || input.instruction),
    }).inTx!(tx, pause);
    return { ok: true, data: { recoveryId: r.recovery.id, sequence: r.checkpoint.sequence } };
  });
  // startRecovery signalled before our outer commit; wake waiters again now that the change is visible.
  if (result.ok) signalSession(target.sessionId);
  return result;
}

export async function operatorBulk(
  db: Db,
  input: { operator: Operator; meta?: RequestMeta; action: 'resume' | 'abort'; ids: string[]; note?: string | null },
): Promise<BulkItemResult[]> {
  return bulkResolveInterventions(
    db,
    { ids: input.ids, action: input.action, note: input.note, actor: userActor(input.operator) },
    audited(input.operator, input.meta ?? {}, `interventions:${input.action}`, { bulk: true, note: input.note ?? null }),
  );
}
