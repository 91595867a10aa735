import { and, eq } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { startRecoveryInTx } from './recovery';
import type { CheckpointState } from './diff';
import { forkCheckpointInTx } from './fork';
import { describeRestoreRefusal } from './refusals';
import type { Db } from '@/lib/db/client';
import { agentSessions, pausedSessions, type PausedSession } from '@/lib/db/schema';
import { signalSession } from '@/lib/events/bus';
import { alreadyResolved, auditPause, pauseGone, type AlreadyResolved, type PauseGone } from '@/lib/interventions/commands';
import { fourEyesOnInTx, requestRestoreInTx } from './four-eyes';

export type Refused = { ok: false; reason: 'refused'; message: string };

export type RestoreFromPauseResult =
  | { ok: true; pending: false; recoveryId: string; sequence: number; checkpointId: string; forkedFrom: string | null }
  | { ok: true; pending: true; requestId: string; sequence: number; checkpointId: string }
  | PauseGone
  | AlreadyResolved
  | Refused;

export type RestoreInput = {
  /** The session (checkpoint page); taken from the pause when only `pausedSessionId` is given (inbox). */
  sessionId?: string | null;
  pausedSessionId?: string | null;
  checkpointId?: string | null;
  /** Restore with an edited state: forked from `checkpointId` into a new manual checkpoint first. */
  editedState?: CheckpointState | null;
  currentTask?: string | null;
  instruction?: string | null;
  note?: string | null;
  bulk?: boolean;
};

const forkRefusals = {
  not_found: 'That pause or checkpoint no longer exists.',
  checkpoint_invalid: 'That checkpoint has been invalidated; pick another.',
  checkpoint_other_session: 'That checkpoint belongs to another session.',
} as const;

const refused = (message: string): Refused => ({ ok: false, reason: 'refused', message });

/** The inbox's wording of a refused restore (the checkpoint page's is describeRestoreRefusal). */
function restoreRefusal(r: Parameters<typeof describeRestoreRefusal>[0]): string {
  if (r.reason === 'no_valid_checkpoint') return 'This session has no valid checkpoint to restore from.';
  if (r.reason === 'session_finished') return `The session has already ${r.status}.`;
  if (r.reason === 'recovery_in_progress') return `A recovery is already in progress (started by ${r.initiatedBy ?? 'someone'}).`;
  return describeRestoreRefusal(r);
}

/** Thrown inside the transaction to roll back what was written before a refusal (a fork), then returned. */
class Refusal extends Error {
  constructor(readonly result: Refused) {
    super(result.message);
  }
}

/**
 * Every restore a person starts — plain, with edits, from the inbox (one or bulk) or a checkpoint page — goes
 * through here. Locks session → pause (startRecovery's order). A pause named by the caller must still be open:
 * restoring a pause someone already resumed would undo their decision. An edited state becomes a new checkpoint
 * forked from the original. In a four-eyes project the restore becomes a pending request instead (./four-eyes.ts);
 * otherwise the recovery starts and the agent's next control call receives the state.
 */
export async function restoreSession(db: Db, input: RestoreInput, actor: Actor): Promise<RestoreFromPauseResult> {
  let sessionId = input.sessionId ?? null;
  if (input.pausedSessionId) {
    const [target] = await db.select({ sessionId: pausedSessions.sessionId }).from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId));
    if (!target) return pauseGone;
    if (sessionId && sessionId !== target.sessionId) return refused('That pause belongs to another session.');
    sessionId = target.sessionId;
  }
  if (!sessionId) return pauseGone;
  const sid = sessionId;
  let result: RestoreFromPauseResult;
  try {
    result = await db.transaction(async (tx): Promise<RestoreFromPauseResult> => {
      const [s] = await tx.select({ id: agentSessions.id, project: agentSessions.project }).from(agentSessions).where(eq(agentSessions.id, sid)).for('update');
      if (!s) return refused('That session no longer exists.');
      let pause: PausedSession | null = null;
      if (input.pausedSessionId) {
        [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId)).for('update');
        if (!pause) return pauseGone;
        if (pause.resolved) return alreadyResolved(pause);
      }
      let checkpointId = input.checkpointId ?? null;
      let forkedFrom: string | null = null;
      if (input.editedState) {
        if (!checkpointId) return refused('Name the checkpoint the edited state comes from.');
        const f = await forkCheckpointInTx(tx, { sessionId: s.id, checkpointId, state: input.editedState }, actor);
        if (!f.ok) return refused(forkRefusals[f.reason]);
        checkpointId = f.checkpoint.id;
        forkedFrom = f.original.id;
      }
      if (await fourEyesOnInTx(tx, s.project)) {
        // From a checkpoint page no pause is named: the request still belongs to the session's open one (the inbox row).
        const [open] = pause
          ? [pause]
          : await tx.select().from(pausedSessions).where(and(eq(pausedSessions.sessionId, s.id), eq(pausedSessions.resolved, false))).for('update');
        const r = await requestRestoreInTx(tx, { sessionId: s.id, project: s.project, pause: open ?? null, checkpointId, note: input.note, forkedFrom, bulk: input.bulk }, actor);
        if (!r.ok) throw new Refusal(r);
        return r;
      }
      const modifications = { currentTask: input.currentTask ?? undefined, instruction: input.instruction ?? undefined };
      const r = await startRecoveryInTx(tx, { sessionId: s.id, checkpointId, modifications, note: input.note }, actor);
      if (!r.ok) throw new Refusal(refused(restoreRefusal(r)));
      const details = {
        checkpointId: r.checkpoint.id,
        sequence: r.checkpoint.sequence,
        recoveryId: r.recovery.id,
        modified: Boolean(input.currentTask || input.instruction),
        ...(forkedFrom ? { edited: true, forkedFrom } : {}),
        ...(input.bulk ? { bulk: true } : {}),
      };
      if (pause) await auditPause(tx, actor, 'restore', pause, details);
      else {
        await recordAudit(tx, {
          actor,
          action: 'checkpoint.restore',
          targetType: 'checkpoint',
          targetId: r.checkpoint.id,
          outcome: 'success',
          details: { session_id: s.id, ...details },
        });
      }
      return { ok: true, pending: false, recoveryId: r.recovery.id, sequence: r.checkpoint.sequence, checkpointId: r.checkpoint.id, forkedFrom };
    });
  } catch (err) {
    if (err instanceof Refusal) return err.result;
    throw err;
  }
  if (result.ok && !result.pending) signalSession(sid);
  return result;
}

/** The inbox's Restore: an open pause, from a checkpoint (latest valid by default), optionally with edits. */
export function restoreFromPause(
  db: Db,
  input: Omit<RestoreInput, 'sessionId' | 'pausedSessionId'> & { pausedSessionId: string },
  actor: Actor,
): Promise<RestoreFromPauseResult> {
  return restoreSession(db, input, actor);
}
