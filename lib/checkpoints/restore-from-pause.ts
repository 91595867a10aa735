import { eq } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { startRecoveryInTx } from './recovery';
import type { Db } from '@/lib/db/client';
import { agentSessions, pausedSessions } from '@/lib/db/schema';
import { signalSession } from '@/lib/events/bus';
import { alreadyResolved, auditPause, pauseGone, type AlreadyResolved, type PauseGone } from '@/lib/interventions/commands';

export type RestoreFromPauseResult =
  | { ok: true; recoveryId: string; sequence: number }
  | PauseGone
  | AlreadyResolved
  | { ok: false; reason: 'refused'; message: string };

const restoreRefusals = {
  not_found: 'That pause or checkpoint no longer exists.',
  no_valid_checkpoint: 'This session has no valid checkpoint to restore from.',
  checkpoint_invalid: 'That checkpoint has been invalidated; pick another.',
  checkpoint_other_session: 'That checkpoint belongs to another session.',
} as const;

/**
 * An intervention's "Restore": from a checkpoint (latest valid by default), optionally with edits. The pause must
 * still be open: restoring a pause someone already resumed would undo their decision. Locks session → pause in
 * startRecovery's order and runs the restore in the same transaction as the audit row.
 */
export async function restoreFromPause(
  db: Db,
  input: {
    pausedSessionId: string;
    checkpointId?: string | null;
    currentTask?: string | null;
    instruction?: string | null;
    note?: string | null;
  },
  actor: Actor,
): Promise<RestoreFromPauseResult> {
  const [target] = await db
    .select({ sessionId: pausedSessions.sessionId })
    .from(pausedSessions)
    .where(eq(pausedSessions.id, input.pausedSessionId));
  if (!target) return pauseGone;
  const result = await db.transaction(async (tx): Promise<RestoreFromPauseResult> => {
    await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, target.sessionId)).for('update');
    const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId)).for('update');
    if (!pause) return pauseGone;
    if (pause.resolved) return alreadyResolved(pause);
    const modifications = { currentTask: input.currentTask ?? undefined, instruction: input.instruction ?? undefined };
    const r = await startRecoveryInTx(
      tx,
      { sessionId: pause.sessionId, checkpointId: input.checkpointId, modifications, note: input.note },
      actor,
    );
    if (!r.ok) {
      if (r.reason === 'session_finished') return { ok: false, reason: 'refused', message: `The session has already ${r.status}.` };
      if (r.reason === 'recovery_in_progress') {
        return { ok: false, reason: 'refused', message: `A recovery is already in progress (started by ${r.initiatedBy ?? 'someone'}).` };
      }
      return { ok: false, reason: 'refused', message: restoreRefusals[r.reason] };
    }
    await auditPause(tx, actor, 'restore', pause, {
      checkpointId: r.checkpoint.id,
      sequence: r.checkpoint.sequence,
      recoveryId: r.recovery.id,
      modified: Boolean(input.currentTask || input.instruction),
    });
    return { ok: true, recoveryId: r.recovery.id, sequence: r.checkpoint.sequence };
  });
  if (result.ok) signalSession(target.sessionId);
  return result;
}
