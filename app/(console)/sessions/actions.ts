'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction } from '@/lib/auth/guards';
import { invalidateCheckpoints } from '@/lib/checkpoints/commands';
import { getDb } from '@/lib/db/client';
import { restoreSession } from '@/lib/checkpoints/restore-from-pause';

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

/**
 * One-click restore (and "restore with edits"): starts a recovery the agent picks up through its control call, or,
 * in a four-eyes project, a request a second engineer approves. The same path as the inbox's restore.
 */
export const restoreCheckpoint = guardedAction(
  'interventions:restore',
  restoreSchema,
  async (input, user) => {
    const result = await restoreSession(
      await getDb(),
      { sessionId: input.sessionId, checkpointId: input.checkpointId, currentTask: input.currentTask, instruction: input.instruction, note: input.note ?? null },
      user,
    );
    if (!result.ok) return { error: result.message };
    revalidatePath(`/sessions/${input.sessionId}`);
    return { ok: true, data: { pending: result.pending, sequence: result.sequence } };
  },
  { audit: 'checkpoint.restore' },
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
    const result = await invalidateCheckpoints(
      db,
      { checkpointId: input.checkpointId, sessionId: input.sessionId, andLater: input.andLater, reason: input.reason },
      user,
    );
    if (!result.ok) return { error: result.message };
    revalidatePath(`/sessions/${result.sessionId}`);
    return { ok: true, data: { invalidated: result.invalidated } };
  },
  { audit: 'checkpoint.invalidate' },
);
