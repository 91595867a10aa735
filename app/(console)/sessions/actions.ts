'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { userActor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { guardedAction, requestMeta, type UserActor } from '@/lib/auth/guards';
import { invalidateCheckpoints, startRecovery } from '@/lib/checkpoints/commands';
import { describeInvalidateRefusal, describeRestoreRefusal } from '@/lib/checkpoints/refusals';
import { getDb } from '@/lib/db/client';

async function auditMeta(user: UserActor) {
  return { actor: { kind: 'user' as const, id: user.id, email: user.email, role: user.role }, ...(await requestMeta()) };
}

// Empty form fields mean "no change".
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

const restoreSchema = z.object({
  sessionId: z.uuid(),
  checkpointId: z.uuid(),
  currentTask: optionalText(500),
  instruction: optionalText(20_000),
  note: optionalText(2_000),
});

/** One-click restore (and "restore with edits"): starts a recovery the agent picks up through its control call. */
export const restoreCheckpoint = guardedAction(
  'interventions:restore',
  restoreSchema,
  async (input, user) => {
    const db = await getDb();
    const modifications =
      input.currentTask || input.instruction ? { currentTask: input.currentTask, instruction: input.instruction } : null;
    const result = await startRecovery(db, {
      sessionId: input.sessionId,
      checkpointId: input.checkpointId,
      actor: userActor(user),
      modifications,
      note: input.note ?? null,
    });
    await recordAudit(db, {
      ...(await auditMeta(user)),
      action: 'checkpoints:restore',
      targetType: 'checkpoint',
      targetId: input.checkpointId,
      outcome: result.ok ? 'success' : 'failure',
      details: result.ok
        ? { session_id: input.sessionId, recovery_id: result.recovery.id, sequence: result.checkpoint.sequence, modified: Boolean(modifications) }
        : { session_id: input.sessionId, refused: result.reason },
    });
    if (!result.ok) return { error: describeRestoreRefusal(result) };
    revalidatePath(`/sessions/${input.sessionId}`);
    return { ok: true, data: { recoveryId: result.recovery.id, sequence: result.checkpoint.sequence } };
  },
  { audit: 'checkpoints:restore' },
);

const invalidateSchema = z.object({
  sessionId: z.uuid(),
  checkpointId: z.uuid(),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(2_000),
  // A checkbox sends "on" when ticked and nothing otherwise.
  andLater: z
    .union([z.literal('on'), z.literal('true'), z.boolean()])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
});

/** Marks a checkpoint (or it and every later one) invalid: it can no longer be restored. */
export const invalidateCheckpoint = guardedAction(
  'checkpoints:invalidate',
  invalidateSchema,
  async (input, user) => {
    const db = await getDb();
    const result = await invalidateCheckpoints(db, {
      checkpointId: input.checkpointId,
      sessionId: input.sessionId,
      andLater: input.andLater,
      reason: input.reason,
      actor: userActor(user),
    });
    // The audit row names the checkpoint's own session (from the database), never only the one the form claimed.
    const sessionId = result.ok || result.reason === 'checkpoint_other_session' ? result.sessionId : null;
    await recordAudit(db, {
      ...(await auditMeta(user)),
      action: 'checkpoints:invalidate',
      targetType: 'checkpoint',
      targetId: input.checkpointId,
      outcome: result.ok ? 'success' : 'failure',
      details: result.ok
        ? { session_id: sessionId, and_later: input.andLater, invalidated: result.invalidated, reason: input.reason }
        : { session_id: sessionId, claimed_session_id: input.sessionId, refused: result.reason },
    });
    if (!result.ok) return { error: describeInvalidateRefusal(result) };
    revalidatePath(`/sessions/${result.sessionId}`);
    return { ok: true, data: { invalidated: result.invalidated } };
  },
  { audit: 'checkpoints:invalidate' },
);
