import { createHash } from 'node:crypto';
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import { agentSessions, sessionCheckpoints, type CheckpointType, type SessionCheckpoint } from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { describeInvalidateRefusal, type WithMessage } from './refusals';

export type CheckpointInput = {
  sessionId: string;
  checkpointType: CheckpointType;
  conversationHistory: unknown[];
  currentTaskId?: string | null;
  messageCount?: number;
  completedTasks?: string[];
  metricsSnapshot?: Record<string, unknown>;
};

export type CheckpointSummary = Omit<SessionCheckpoint, 'conversationHistory'>;

export type CreateCheckpointResult =
  | { ok: true; checkpoint: CheckpointSummary; created: boolean }
  | { ok: false; reason: 'not_found' };

export function checkpointContent(input: Pick<CheckpointInput, 'conversationHistory' | 'completedTasks' | 'currentTaskId'>) {
  const json = JSON.stringify(input.conversationHistory);
  const hash = createHash('sha256')
    .update(json)
    .update('\u0000')
    .update(JSON.stringify(input.completedTasks ?? []))
    .update('\u0000')
    .update(input.currentTaskId ?? '')
    .digest('hex');
  return { sizeBytes: Buffer.byteLength(json), hash };
}

/** Every checkpoint column but the (possibly megabytes of) conversation history. */
export const summaryColumns = {
  id: sessionCheckpoints.id,
  sessionId: sessionCheckpoints.sessionId,
  sequence: sessionCheckpoints.sequence,
  checkpointType: sessionCheckpoints.checkpointType,
  currentTaskId: sessionCheckpoints.currentTaskId,
  messageCount: sessionCheckpoints.messageCount,
  completedTasks: sessionCheckpoints.completedTasks,
  metricsSnapshot: sessionCheckpoints.metricsSnapshot,
  sizeBytes: sessionCheckpoints.sizeBytes,
  contentHash: sessionCheckpoints.contentHash,
  isValid: sessionCheckpoints.isValid,
  invalidatedAt: sessionCheckpoints.invalidatedAt,
  invalidationReason: sessionCheckpoints.invalidationReason,
  createdAt: sessionCheckpoints.createdAt,
  forkedFrom: sessionCheckpoints.forkedFrom,
  createdBy: sessionCheckpoints.createdBy,
};

/**
 * Appends a checkpoint with the next sequence of its session. The session row is locked so concurrent
 * checkpoints of one session get distinct sequences; a replay of the latest checkpoint (same content hash)
 * returns it instead of adding a copy.
 */
export async function createCheckpoint(db: Db, input: CheckpointInput): Promise<CreateCheckpointResult> {
  const { sizeBytes, hash } = checkpointContent(input);
  return db.transaction(async (tx): Promise<CreateCheckpointResult> => {
    const [s] = await tx
      .select({ id: agentSessions.id })
      .from(agentSessions)
      .where(eq(agentSessions.id, input.sessionId))
      .for('update');
    if (!s) return { ok: false, reason: 'not_found' };
    const [latest] = await tx
      .select(summaryColumns)
      .from(sessionCheckpoints)
      .where(eq(sessionCheckpoints.sessionId, s.id))
      .orderBy(desc(sessionCheckpoints.sequence))
      .limit(1);
    if (latest && latest.contentHash === hash && latest.checkpointType === input.checkpointType) {
      return { ok: true, checkpoint: latest, created: false };
    }
    const [checkpoint] = await tx
      .insert(sessionCheckpoints)
      .values({
        sessionId: s.id,
        sequence: (latest?.sequence ?? 0) + 1,
        checkpointType: input.checkpointType,
        conversationHistory: input.conversationHistory,
        currentTaskId: input.currentTaskId ?? null,
        messageCount: input.messageCount ?? input.conversationHistory.length,
        completedTasks: input.completedTasks ?? [],
        metricsSnapshot: input.metricsSnapshot ?? {},
        sizeBytes,
        contentHash: hash,
      })
      .returning(summaryColumns);
    await appendEvent(tx, {
      eventType: 'checkpoint_created',
      aggregateType: 'session',
      aggregateId: s.id,
      metadata: {
        checkpoint_id: checkpoint.id,
        sequence: checkpoint.sequence,
        checkpoint_type: checkpoint.checkpointType,
        size_bytes: sizeBytes,
      },
    });
    return { ok: true, checkpoint, created: true };
  });
}

export type InvalidateResult =
  | { ok: true; invalidated: number; sessionId: string }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'checkpoint_other_session'; sessionId: string };

/**
 * Marks a checkpoint (and, with `andLater`, every later one of its session) invalid: it can no longer be restored.
 * The session is the checkpoint's own; a caller naming another session (`sessionId`, the page it acted from) is
 * refused, so neither the event nor the audit trail can be attributed to a session the checkpoint is not part of.
 */
export async function invalidateCheckpoints(
  db: Db,
  input: { checkpointId: string; sessionId?: string; andLater?: boolean; reason: string },
  actor: Actor,
): Promise<WithMessage<InvalidateResult>> {
  const result = await db.transaction(async (tx): Promise<InvalidateResult> => {
    const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>) =>
      recordAudit(tx, { actor, action: 'checkpoint.invalidate', targetType: 'checkpoint', targetId: input.checkpointId, outcome, details });
    const [c] = await tx
      .select({ id: sessionCheckpoints.id, sessionId: sessionCheckpoints.sessionId, sequence: sessionCheckpoints.sequence })
      .from(sessionCheckpoints)
      .where(eq(sessionCheckpoints.id, input.checkpointId));
    if (!c) {
      await audit('failure', { session_id: null, claimed_session_id: input.sessionId, refused: 'not_found' });
      return { ok: false, reason: 'not_found' };
    }
    // The audit row names the checkpoint's own session (from the database), never only the one the caller claimed.
    if (input.sessionId !== undefined && input.sessionId !== c.sessionId) {
      await audit('failure', { session_id: c.sessionId, claimed_session_id: input.sessionId, refused: 'checkpoint_other_session' });
      return { ok: false, reason: 'checkpoint_other_session', sessionId: c.sessionId };
    }
    const rows = await tx
      .update(sessionCheckpoints)
      .set({ isValid: false, invalidatedAt: sql`now()`, invalidationReason: input.reason })
      .where(
        and(
          eq(sessionCheckpoints.sessionId, c.sessionId),
          eq(sessionCheckpoints.isValid, true),
          input.andLater ? gte(sessionCheckpoints.sequence, c.sequence) : eq(sessionCheckpoints.id, c.id),
        ),
      )
      .returning({ id: sessionCheckpoints.id });
    if (rows.length) {
      await appendEvent(tx, {
        eventType: 'checkpoints_invalidated',
        aggregateType: 'session',
        aggregateId: c.sessionId,
        metadata: { actor_id: actorLabel(actor), checkpoint_ids: rows.map((r) => r.id), reason: input.reason },
      });
    }
    await audit('success', { session_id: c.sessionId, and_later: Boolean(input.andLater), invalidated: rows.length, reason: input.reason });
    return { ok: true, invalidated: rows.length, sessionId: c.sessionId };
  });
  return result.ok ? result : { ...result, message: describeInvalidateRefusal(result) };
}
