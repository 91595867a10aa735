import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { startRecoveryInTx } from './recovery';
import { describeRestoreRefusal } from './refusals';
import { queryRows, type Db } from '@/lib/db/client';
import {
  agentSessions,
  checkpointRecoveries,
  pausedSessions,
  projectRestorePolicy,
  restoreRequests,
  sessionCheckpoints,
  type PausedSession,
  type RestoreRequest,
} from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { notifyLiveInTx } from '@/lib/events/live';

/**
 * Four-eyes restores. In a project whose policy says so, a restore (plain, edited or bulk) becomes a pending
 * request; a second engineer approves it (the requester cannot) and only then does the recovery start and the
 * agent receive the state. One pending request per session (a unique index): two engineers restoring the same
 * pause get one request and a refusal naming the first requester. Lock order: session → pause → request.
 */
type Refused = { ok: false; reason: 'refused'; message: string };
const refused = (message: string): Refused => ({ ok: false, reason: 'refused', message });

export async function fourEyesOnInTx(tx: Db, project: string): Promise<boolean> {
  const [p] = await tx.select({ on: projectRestorePolicy.fourEyes }).from(projectRestorePolicy).where(eq(projectRestorePolicy.project, project));
  return Boolean(p?.on);
}

/** Settings: turns four-eyes restores on or off for a project. */
export async function setFourEyes(db: Db, input: { project: string; fourEyes: boolean }, actor: Actor) {
  return db.transaction(async (tx) => {
    await tx
      .insert(projectRestorePolicy)
      .values({ project: input.project, fourEyes: input.fourEyes, updatedBy: actorLabel(actor) })
      .onConflictDoUpdate({ target: projectRestorePolicy.project, set: { fourEyes: input.fourEyes, updatedBy: actorLabel(actor), updatedAt: sql`now()` } });
    await recordAudit(tx, { actor, action: 'project.four_eyes', targetType: 'project', targetId: input.project, outcome: 'success', details: { fourEyes: input.fourEyes } });
    return { ok: true as const };
  });
}

export async function listFourEyesProjects(db: Db): Promise<{ project: string; fourEyes: boolean; updatedBy: string | null }[]> {
  const rows = await queryRows<{ project: string; four_eyes: boolean | null; updated_by: string | null }>(
    db,
    sql`SELECT p.project, r.four_eyes, r.updated_by
          FROM (SELECT DISTINCT project FROM agent_sessions UNION SELECT project FROM project_restore_policy) p
          LEFT JOIN project_restore_policy r ON r.project = p.project ORDER BY p.project LIMIT 500`,
  );
  return rows.map((r) => ({
    project: r.project,
    fourEyes: Boolean(r.four_eyes),
    updatedBy: r.updated_by,
  }));
}

export type RequestResult = { ok: true; pending: true; requestId: string; sequence: number; checkpointId: string } | Refused;

/** Inside restoreSession's transaction (session and pause locked): records the request instead of restoring. */
export async function requestRestoreInTx(
  tx: Db,
  input: { sessionId: string; project: string; pause: PausedSession | null; checkpointId: string | null; note?: string | null; forkedFrom: string | null; bulk?: boolean },
  actor: Actor,
): Promise<RequestResult> {
  const [pending] = await tx.select().from(restoreRequests).where(and(eq(restoreRequests.sessionId, input.sessionId), eq(restoreRequests.status, 'pending')));
  if (pending) return refused(`A restore of this session is already awaiting approval (requested by ${pending.requestedBy}).`);
  const [s] = await tx.select({ status: agentSessions.status }).from(agentSessions).where(eq(agentSessions.id, input.sessionId));
  if (s.status === 'completed' || s.status === 'aborted') return refused(describeRestoreRefusal({ ok: false, reason: 'session_finished', status: s.status }));
  const [running] = await tx
    .select({ initiatedBy: checkpointRecoveries.initiatedBy })
    .from(checkpointRecoveries)
    .where(and(eq(checkpointRecoveries.sessionId, input.sessionId), eq(checkpointRecoveries.recoveryStatus, 'in_progress')));
  if (running) return refused(describeRestoreRefusal({ ok: false, reason: 'recovery_in_progress', recoveryId: '', initiatedBy: running.initiatedBy }));
  const [c] = await tx
    .select({ id: sessionCheckpoints.id, sessionId: sessionCheckpoints.sessionId, sequence: sessionCheckpoints.sequence, isValid: sessionCheckpoints.isValid })
    .from(sessionCheckpoints)
    .where(input.checkpointId ? eq(sessionCheckpoints.id, input.checkpointId) : and(eq(sessionCheckpoints.sessionId, input.sessionId), eq(sessionCheckpoints.isValid, true)))
    .orderBy(desc(sessionCheckpoints.sequence))
    .limit(1);
  if (!c) return refused(describeRestoreRefusal({ ok: false, reason: input.checkpointId ? 'not_found' : 'no_valid_checkpoint' }));
  if (c.sessionId !== input.sessionId) return refused(describeRestoreRefusal({ ok: false, reason: 'checkpoint_other_session' }));
  if (!c.isValid) return refused(describeRestoreRefusal({ ok: false, reason: 'checkpoint_invalid' }));
  const [request] = await tx
    .insert(restoreRequests)
    .values({
      sessionId: input.sessionId,
      pausedSessionId: input.pause?.id ?? null,
      checkpointId: c.id,
      requestedById: actor.id,
      requestedBy: actorLabel(actor),
      note: input.note ?? null,
    })
    .returning();
  await appendEvent(tx, {
    eventType: 'restore_requested',
    aggregateType: 'session',
    aggregateId: input.sessionId,
    metadata: { actor_id: actorLabel(actor), request_id: request.id, checkpoint_id: c.id, sequence: c.sequence, ...(input.forkedFrom ? { forked_from: input.forkedFrom } : {}) },
  });
  await notifyLiveInTx(tx, { topic: 'interventions', sessionId: input.sessionId });
  await recordAudit(tx, {
    actor,
    action: 'intervention.restore_request',
    targetType: 'restore_request',
    targetId: request.id,
    outcome: 'success',
    details: { sessionId: input.sessionId, pausedSessionId: input.pause?.id ?? null, checkpointId: c.id, sequence: c.sequence, edited: Boolean(input.forkedFrom), ...(input.bulk ? { bulk: true } : {}) },
  });
  return { ok: true, pending: true, requestId: request.id, sequence: c.sequence, checkpointId: c.id };
}

export type DecideResult = { ok: true; request: RestoreRequest; recoveryId: string | null } | { ok: false; reason: 'not_found' | 'refused'; message: string };

/**
 * A second engineer approves (the recovery starts; the agent receives the state) or rejects a pending request.
 * Refused: the requester approving their own; a request already decided; a pause resolved another way meanwhile.
 */
export async function decideRestoreRequest(
  db: Db,
  input: { requestId: string; decision: 'approve' | 'reject'; note?: string | null },
  actor: Actor,
): Promise<DecideResult> {
  const [found] = await db.select({ sessionId: restoreRequests.sessionId }).from(restoreRequests).where(eq(restoreRequests.id, input.requestId));
  if (!found) return { ok: false, reason: 'not_found', message: 'That restore request no longer exists.' };
  const verb = input.decision === 'approve' ? 'restore_approve' : 'restore_reject';
  const result = await db.transaction(async (tx): Promise<DecideResult> => {
    const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>) =>
      recordAudit(tx, { actor, action: `intervention.${verb}`, targetType: 'restore_request', targetId: input.requestId, outcome, details: { sessionId: found.sessionId, ...details } });
    const refuse = async (message: string): Promise<DecideResult> => {
      await audit('failure', { refused: message });
      return refused(message);
    };
    await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, found.sessionId)).for('update');
    const [req] = await tx.select().from(restoreRequests).where(eq(restoreRequests.id, input.requestId)).for('update');
    if (!req) return { ok: false, reason: 'not_found', message: 'That restore request no longer exists.' };
    if (req.status !== 'pending') return refuse(`This restore request was already ${req.status} by ${req.decidedBy ?? 'someone'}.`);
    if (input.decision === 'approve' && req.requestedById === actor.id) {
      return refuse('You requested this restore: a second engineer must approve it.');
    }
    if (req.pausedSessionId) {
      const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, req.pausedSessionId)).for('update');
      if (input.decision === 'approve' && pause?.resolved) {
        return refuse(`The pause was already ${pause.resolution} by ${pause.resolvedBy ?? 'someone'}; this request can no longer be approved.`);
      }
    }
    let recoveryId: string | null = null;
    if (input.decision === 'approve') {
      const r = await startRecoveryInTx(tx, { sessionId: req.sessionId, checkpointId: req.checkpointId, note: req.note }, actor);
      if (!r.ok) return refuse(describeRestoreRefusal(r));
      recoveryId = r.recovery.id;
    }
    const [request] = await tx
      .update(restoreRequests)
      .set({ status: input.decision === 'approve' ? 'approved' : 'rejected', decidedBy: actorLabel(actor), decidedAt: sql`now()`, decisionNote: input.note ?? null, recoveryId })
      .where(eq(restoreRequests.id, req.id))
      .returning();
    await appendEvent(tx, {
      eventType: input.decision === 'approve' ? 'restore_approved' : 'restore_rejected',
      aggregateType: 'session',
      aggregateId: req.sessionId,
      metadata: { actor_id: actorLabel(actor), request_id: req.id, requested_by: req.requestedBy, checkpoint_id: req.checkpointId, ...(recoveryId ? { recovery_id: recoveryId } : {}) },
    });
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: req.sessionId });
    await audit('success', { requestedBy: req.requestedBy, checkpointId: req.checkpointId, recoveryId, note: input.note ?? null });
    return { ok: true, request, recoveryId };
  });
  if (result.ok && result.recoveryId) signalSession(result.request.sessionId);
  return result;
}

/** Pending requests by pause id (the inbox's "awaiting approval"). */
export async function pendingRequestsFor(db: Db, pausedSessionIds: string[]) {
  if (!pausedSessionIds.length) return new Map<string, RestoreRequest>();
  const rows = await db
    .select()
    .from(restoreRequests)
    .where(and(eq(restoreRequests.status, 'pending'), inArray(restoreRequests.pausedSessionId, pausedSessionIds)));
  return new Map(rows.map((r) => [r.pausedSessionId as string, r]));
}

export type PendingRestore = { id: string; sessionId: string; project: string; agent: string; sequence: number; requestedBy: string; note: string | null; createdAt: Date };

/** Every restore awaiting a second engineer (Settings → Restores), oldest first, up to 100. */
export async function listPendingRestores(db: Db): Promise<PendingRestore[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT r.id, r.session_id, s.project, s.agent_name, c.sequence, r.requested_by, r.note, r.created_at
        FROM restore_requests r JOIN agent_sessions s ON s.id = r.session_id JOIN session_checkpoints c ON c.id = r.checkpoint_id
        WHERE r.status = 'pending' ORDER BY r.created_at, r.id LIMIT 100`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    sessionId: String(r.session_id),
    project: String(r.project),
    agent: String(r.agent_name),
    sequence: Number(r.sequence),
    requestedBy: String(r.requested_by),
    note: r.note === null ? null : String(r.note),
    createdAt: new Date(String(r.created_at)),
  }));
}
