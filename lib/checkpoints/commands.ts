import { createHash } from 'node:crypto';
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import {
  agentSessions,
  checkpointRecoveries,
  pausedSessions,
  sessionCheckpoints,
  type CheckpointRecovery,
  type CheckpointType,
  type SessionCheckpoint,
} from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { resolvePauseInTx } from '@/lib/interventions/commands';
import { recoveryAbandonedReason } from './abandon-reason';
import { describeInvalidateRefusal, describeRestoreRefusal, type WithMessage } from './refusals';

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

export type RestoreModifications = { currentTask?: string; instruction?: string };

export type StartRecoveryInput = {
  sessionId: string;
  checkpointId?: string | null;
  method?: 'manual' | 'automatic';
  modifications?: RestoreModifications | null;
  note?: string | null;
};

export type StartRecoveryResult =
  | { ok: true; recovery: CheckpointRecovery; checkpoint: CheckpointSummary }
  | { ok: false; reason: 'not_found' | 'no_valid_checkpoint' | 'checkpoint_invalid' | 'checkpoint_other_session' }
  | { ok: false; reason: 'session_finished'; status: string }
  | { ok: false; reason: 'recovery_in_progress'; recoveryId: string; initiatedBy: string | null };

/**
 * Restore: starts a recovery from a checkpoint (the latest valid one by default). The session becomes
 * `recovering`, an open pause is closed as `restored`, and the agent's next control call receives the state.
 * Refused on an invalid checkpoint or while another recovery of the session is in progress.
 */
export async function startRecovery(
  db: Db,
  input: StartRecoveryInput,
  actor: Actor,
): Promise<WithMessage<StartRecoveryResult>> {
  const result = await db.transaction(async (tx): Promise<StartRecoveryResult> => {
    const r = await startRecoveryInTx(tx, input, actor);
    await recordAudit(tx, {
      actor,
      action: 'checkpoint.restore',
      targetType: 'checkpoint',
      targetId: r.ok ? r.checkpoint.id : (input.checkpointId ?? undefined),
      outcome: r.ok ? 'success' : 'failure',
      details: r.ok
        ? { session_id: input.sessionId, recovery_id: r.recovery.id, sequence: r.checkpoint.sequence, modified: Boolean(r.recovery.modifications) }
        : { session_id: input.sessionId, refused: r.reason },
    });
    return r;
  });
  if (!result.ok) return { ...result, message: describeRestoreRefusal(result) };
  signalSession(input.sessionId);
  return result;
}

/**
 * The restore itself, inside a caller's transaction (startRecovery, or an intervention's restore that must first
 * check its pause is still open). The caller writes the audit row and signals the session after commit.
 */
export async function startRecoveryInTx(
  tx: Db,
  input: StartRecoveryInput,
  actor: Actor,
): Promise<StartRecoveryResult> {
  const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
  if (!s) return { ok: false, reason: 'not_found' };
  if (s.status === 'completed' || s.status === 'aborted') return { ok: false, reason: 'session_finished', status: s.status };
  const [inProgress] = await tx
    .select()
    .from(checkpointRecoveries)
    .where(and(eq(checkpointRecoveries.sessionId, s.id), eq(checkpointRecoveries.recoveryStatus, 'in_progress')));
  if (inProgress) {
    return { ok: false, reason: 'recovery_in_progress', recoveryId: inProgress.id, initiatedBy: inProgress.initiatedBy };
  }
  let checkpoint: CheckpointSummary | undefined;
  if (input.checkpointId) {
    [checkpoint] = await tx.select(summaryColumns).from(sessionCheckpoints).where(eq(sessionCheckpoints.id, input.checkpointId));
    if (!checkpoint) return { ok: false, reason: 'not_found' };
    if (checkpoint.sessionId !== s.id) return { ok: false, reason: 'checkpoint_other_session' };
    if (!checkpoint.isValid) return { ok: false, reason: 'checkpoint_invalid' };
  } else {
    [checkpoint] = await tx
      .select(summaryColumns)
      .from(sessionCheckpoints)
      .where(and(eq(sessionCheckpoints.sessionId, s.id), eq(sessionCheckpoints.isValid, true)))
      .orderBy(desc(sessionCheckpoints.sequence))
      .limit(1);
    if (!checkpoint) return { ok: false, reason: 'no_valid_checkpoint' };
  }
  const [open] = await tx
    .select()
    .from(pausedSessions)
    .where(and(eq(pausedSessions.sessionId, s.id), eq(pausedSessions.resolved, false)))
    .for('update');
  const mods = input.modifications && (input.modifications.currentTask || input.modifications.instruction) ? input.modifications : null;
  const [recovery] = await tx
    .insert(checkpointRecoveries)
    .values({
      checkpointId: checkpoint.id,
      sessionId: s.id,
      pausedSessionId: open?.id ?? null,
      recoveryMethod: input.method ?? 'manual',
      initiatedBy: actorLabel(actor),
      modifications: mods,
    })
    .returning();
  if (open) {
    await resolvePauseInTx(
      tx,
      {
        pause: open,
        resolution: 'restored',
        note: input.note,
        details: { checkpoint_id: checkpoint.id, sequence: checkpoint.sequence, recovery_id: recovery.id },
      },
      actor,
    );
  }
  await tx.update(agentSessions).set({ status: 'recovering' }).where(eq(agentSessions.id, s.id));
  await appendEvent(tx, {
    eventType: 'recovery_started',
    aggregateType: 'session',
    aggregateId: s.id,
    metadata: {
      status: 'recovering',
      actor_id: actorLabel(actor),
      recovery_id: recovery.id,
      checkpoint_id: checkpoint.id,
      sequence: checkpoint.sequence,
      modified: Boolean(mods),
    },
  });
  return { ok: true, recovery, checkpoint };
}

export type CompleteRecoveryResult =
  | { ok: true; recovery: CheckpointRecovery; alreadyCompleted: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'already_completed'; status: string };

/** The agent reports how the restore went. Repeating the same report is harmless. */
export async function completeRecovery(
  db: Db,
  input: { recoveryId: string; status: 'succeeded' | 'failed'; error?: string | null },
  actor: Actor,
): Promise<CompleteRecoveryResult> {
  const result = await db.transaction(async (tx): Promise<CompleteRecoveryResult> => {
    const [r] = await tx.select().from(checkpointRecoveries).where(eq(checkpointRecoveries.id, input.recoveryId)).for('update');
    if (!r) return { ok: false, reason: 'not_found' };
    if (r.recoveryStatus !== 'in_progress') {
      if (r.recoveryStatus === input.status) return { ok: true, recovery: r, alreadyCompleted: true };
      return { ok: false, reason: 'already_completed', status: r.recoveryStatus };
    }
    const [recovery] = await tx
      .update(checkpointRecoveries)
      .set({
        recoveryStatus: input.status,
        completedAt: sql`greatest(now(), ${checkpointRecoveries.startedAt})`,
        recoveryDurationSeconds: sql`extract(epoch from (greatest(now(), ${checkpointRecoveries.startedAt}) - ${checkpointRecoveries.startedAt}))`,
        error: input.error ?? null,
      })
      .where(eq(checkpointRecoveries.id, r.id))
      .returning();
    const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, r.sessionId)).for('update');
    if (s && s.status === 'recovering') {
      await tx
        .update(agentSessions)
        .set(
          input.status === 'succeeded'
            ? { status: 'running', lastHeartbeatAt: sql`now()` }
            : { status: 'failed', endedAt: sql`greatest(now(), ${agentSessions.startedAt})`, error: input.error ?? 'Recovery failed' },
        )
        .where(eq(agentSessions.id, s.id));
    }
    await appendEvent(tx, {
      eventType: input.status === 'succeeded' ? 'recovery_succeeded' : 'recovery_failed',
      aggregateType: 'session',
      aggregateId: r.sessionId,
      metadata: {
        status: input.status,
        actor_id: actorLabel(actor),
        recovery_id: r.id,
        duration_ms: Math.round(Number(recovery.recoveryDurationSeconds ?? 0) * 1000),
        ...(input.error ? { error: input.error } : {}),
      },
    });
    return { ok: true, recovery, alreadyCompleted: false };
  });
  if (result.ok && !result.alreadyCompleted) signalSession(result.recovery.sessionId);
  return result;
}

/**
 * Recoveries whose agent never reported back are marked abandoned after `olderThanSeconds`; their session is
 * marked failed (the agent is gone). Safe with several instances: rows are claimed with SKIP LOCKED.
 */
export async function abandonStaleRecoveries(db: Db, input: { olderThanSeconds: number; limit?: number }) {
  return db.transaction(async (tx) => {
    const stale = await tx
      .select({ id: checkpointRecoveries.id, sessionId: checkpointRecoveries.sessionId })
      .from(checkpointRecoveries)
      .where(
        and(
          eq(checkpointRecoveries.recoveryStatus, 'in_progress'),
          lt(checkpointRecoveries.startedAt, sql`now() - make_interval(secs => ${input.olderThanSeconds})`),
        ),
      )
      .limit(input.limit ?? 100)
      .for('update', { skipLocked: true });
    for (const r of stale) {
      await tx
        .update(checkpointRecoveries)
        .set({
          recoveryStatus: 'abandoned',
          completedAt: sql`now()`,
          recoveryDurationSeconds: sql`extract(epoch from (now() - ${checkpointRecoveries.startedAt}))`,
          error: recoveryAbandonedReason(input.olderThanSeconds),
        })
        .where(eq(checkpointRecoveries.id, r.id));
      await tx
        .update(agentSessions)
        .set({ status: 'failed', endedAt: sql`greatest(now(), ${agentSessions.startedAt})`, error: 'Recovery abandoned: the agent did not report back' })
        .where(and(eq(agentSessions.id, r.sessionId), eq(agentSessions.status, 'recovering')));
      await appendEvent(tx, {
        eventType: 'recovery_abandoned',
        aggregateType: 'session',
        aggregateId: r.sessionId,
        metadata: { status: 'abandoned', recovery_id: r.id, actor_id: 'system' },
      });
    }
    return { abandoned: stale.length };
  });
}
