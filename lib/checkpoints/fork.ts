import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { CreateCheckpointBody } from '@/lib/api/schemas';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { agentSessions, sessionCheckpoints } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { appendEvent } from '@/lib/events/append';
import { checkpointContent, summaryColumns, type CheckpointSummary } from './commands';
import type { CheckpointState } from './diff';

/**
 * Restore with edits: the edited state becomes a new `manual` checkpoint that names its original (`forked_from`)
 * and its author (`created_by`); the original row is never changed. Validity limits are the checkpoint API's
 * (CreateCheckpointBody); the size limit is API_MAX_CHECKPOINT_BYTES, and at most EDIT_MAX_BYTES from the console
 * because a server action's body is capped at 3 MB (next.config.ts).
 */
export const EDIT_CONSOLE_MAX_BYTES = 2_500_000;
export const editMaxBytes = () => Math.min(env().API_MAX_CHECKPOINT_BYTES, EDIT_CONSOLE_MAX_BYTES);

const body = CreateCheckpointBody.shape;
export const editedStateSchema = z.strictObject({
  conversationHistory: body.conversationHistory,
  currentTaskId: z.string().max(500).nullable(),
  completedTasks: z.array(z.string().max(500)).max(10_000),
  metricsSnapshot: z.record(z.string(), z.unknown()),
});

/** The editor's text → a state, with a message naming what is wrong (size, JSON syntax, or the field). */
export const editedStateJson = z
  .string()
  .refine((s) => Buffer.byteLength(s) <= editMaxBytes(), { message: `The edited state is larger than the limit` })
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `Not valid JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(editedStateSchema);

/** The state an editor starts from: exactly what the agent would receive. */
export function stateOf(c: Pick<CheckpointState, keyof CheckpointState>): CheckpointState {
  return {
    conversationHistory: c.conversationHistory,
    currentTaskId: c.currentTaskId,
    completedTasks: c.completedTasks,
    metricsSnapshot: c.metricsSnapshot,
  };
}

export type ForkResult =
  | { ok: true; checkpoint: CheckpointSummary; original: CheckpointSummary }
  | { ok: false; reason: 'not_found' | 'checkpoint_other_session' | 'checkpoint_invalid' };

/**
 * Inside the caller's transaction (which has locked the session): appends the edited state as the session's next
 * checkpoint, forked from `checkpointId`, and its `checkpoint_forked` event (the timeline's lineage).
 */
export async function forkCheckpointInTx(
  tx: Db,
  input: { sessionId: string; checkpointId: string; state: CheckpointState },
  actor: Actor,
): Promise<ForkResult> {
  const [original] = await tx.select(summaryColumns).from(sessionCheckpoints).where(eq(sessionCheckpoints.id, input.checkpointId));
  if (!original) return { ok: false, reason: 'not_found' };
  if (original.sessionId !== input.sessionId) return { ok: false, reason: 'checkpoint_other_session' };
  if (!original.isValid) return { ok: false, reason: 'checkpoint_invalid' };
  await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
  const [latest] = await tx
    .select({ sequence: sessionCheckpoints.sequence })
    .from(sessionCheckpoints)
    .where(and(eq(sessionCheckpoints.sessionId, input.sessionId)))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(1);
  const { sizeBytes, hash } = checkpointContent(input.state);
  const [checkpoint] = await tx
    .insert(sessionCheckpoints)
    .values({
      sessionId: input.sessionId,
      sequence: (latest?.sequence ?? 0) + 1,
      checkpointType: 'manual',
      conversationHistory: input.state.conversationHistory,
      currentTaskId: input.state.currentTaskId,
      messageCount: input.state.conversationHistory.length,
      completedTasks: input.state.completedTasks,
      metricsSnapshot: input.state.metricsSnapshot,
      sizeBytes,
      contentHash: hash,
      forkedFrom: original.id,
      createdBy: actorLabel(actor),
    })
    .returning(summaryColumns);
  await appendEvent(tx, {
    eventType: 'checkpoint_forked',
    aggregateType: 'session',
    aggregateId: input.sessionId,
    metadata: {
      actor_id: actorLabel(actor),
      checkpoint_id: checkpoint.id,
      sequence: checkpoint.sequence,
      forked_from: original.id,
      forked_from_sequence: original.sequence,
      size_bytes: sizeBytes,
    },
  });
  return { ok: true, checkpoint, original };
}
