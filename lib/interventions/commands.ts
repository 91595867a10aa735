import { and, eq, sql } from 'drizzle-orm';
import { actorLabel, actorType, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import type { Db } from '@/lib/db/client';
import {
  agentSessions,
  type AgentSession,
  interventionActions,
  pausedSessions,
  type PauseContext,
  type PausedSession,
  type PauseType,
} from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { notifyLiveInTx } from '@/lib/events/live';
import { log } from '@/lib/log';
import { isTerminal } from '@/lib/sessions/commands';
import { fanOutPauseNotifications } from './notifications';

/**
 * Pause and its resolutions, each `command(db, input, actor) → result`. Each is one transaction that locks the
 * rows it changes (`FOR UPDATE`), writes the intervention_actions trail, an execution event and (for a person's
 * decision) its audit_log row, and returns a result union whose refusals carry a message for the person; two
 * people resolving the same pause at once get one winner and one `already_resolved` naming who won. The guard in
 * front (server action, route handler) has checked the permission; commands trust their actor.
 */
export type AlreadyResolved = {
  ok: false;
  reason: 'already_resolved';
  message: string;
  resolution: NonNullable<PausedSession['resolution']>;
  resolvedBy: string | null;
  resolvedAt: Date | null;
};

export type PauseGone = { ok: false; reason: 'not_found'; message: string };
export const pauseGone: PauseGone = { ok: false, reason: 'not_found', message: 'This pause no longer exists.' };

export type PauseResult =
  | { ok: true; pause: PausedSession }
  | { ok: false; reason: 'not_found'; message: string }
  | { ok: false; reason: 'session_finished'; message: string; status: string }
  | { ok: false; reason: 'already_paused'; message: string; pause: PausedSession };

/** The audit row of a person's decision on a pause, written in the decision's transaction. */
export function auditPause(tx: Db, actor: Actor, verb: string, pause: PausedSession, details: Record<string, unknown> = {}) {
  return recordAudit(tx, {
    actor,
    action: `intervention.${verb}`,
    targetType: 'paused_session',
    targetId: pause.id,
    outcome: 'success',
    details: { sessionId: pause.sessionId, ...details },
  });
}

export type PauseInput = {
  sessionId: string;
  reason: string;
  pauseType: PauseType;
  currentTask?: string | null;
  context?: PauseContext;
  checkpointId?: string | null;
};

export async function pauseSession(db: Db, input: PauseInput, actor: Actor): Promise<PauseResult> {
  const result = await db.transaction(async (tx): Promise<PauseResult> => {
    const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
    if (!s) return { ok: false, reason: 'not_found', message: 'No session with this id' };
    return pauseLockedSessionInTx(tx, s, input, actor);
  });
  if (result.ok) signalSession(input.sessionId);
  return result;
}

/**
 * The pause itself, inside a caller's transaction that holds the session row (`FOR UPDATE`): the agent's own pause
 * above, and Flightdeck's (the heartbeat watchdog, a crossed budget). The caller signals after its commit.
 * `keepLastSignOfLife`: a pause Flightdeck raises itself is no sign of the agent's life.
 */
export async function pauseLockedSessionInTx(
  tx: Db,
  s: AgentSession,
  input: PauseInput,
  actor: Actor,
  options: { keepLastSignOfLife?: boolean } = {},
): Promise<PauseResult> {
  if (isTerminal(s.status)) return { ok: false, reason: 'session_finished', message: `The session already ended as ${s.status}`, status: s.status };
  const [open] = await tx
    .select()
    .from(pausedSessions)
    .where(and(eq(pausedSessions.sessionId, s.id), eq(pausedSessions.resolved, false)));
  if (open) return { ok: false, reason: 'already_paused', message: 'The session is already paused and waiting for a decision', pause: open };
  const [pause] = await tx
    .insert(pausedSessions)
    .values({
      sessionId: s.id,
      reason: input.reason,
      pauseType: input.pauseType,
      currentTask: input.currentTask ?? s.currentTask,
      context: input.context ?? {},
      checkpointId: input.checkpointId ?? null,
    })
    .returning();
  await tx
    .update(agentSessions)
    .set({ status: 'paused', currentTask: pause.currentTask, ...(options.keepLastSignOfLife ? {} : { lastHeartbeatAt: sql`now()` }) })
    .where(eq(agentSessions.id, s.id));
  await tx.insert(interventionActions).values({
    pausedSessionId: pause.id,
    sessionId: s.id,
    action: 'paused',
    actor: actorLabel(actor),
    actorType: actorType(actor),
    note: input.reason,
    details: { pause_type: input.pauseType },
  });
  await appendEvent(tx, {
    eventType: 'session_paused',
    aggregateType: 'session',
    aggregateId: s.id,
    metadata: { status: 'paused', actor_id: actorLabel(actor), pause_type: input.pauseType, paused_session_id: pause.id },
  });
  // Rows only (in-app + webhook outbox): the HTTP happens later in the delivery worker, never inside a pause.
  const notified = await fanOutPauseNotifications(tx, { pause, project: s.project, agentName: s.agentName });
  if (notified.inApp || notified.webhooks || notified.slack) {
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: s.id,
      action: 'notified',
      actor: 'system',
      actorType: 'system',
      details: { in_app: notified.inApp, webhooks: notified.webhooks, ...(notified.slack ? { slack: notified.slack } : {}) },
    });
  }
  await notifyLiveInTx(tx, { topic: 'interventions', sessionId: s.id });
  return { ok: true, pause };
}

type LockedPause = { ok: true; pause: PausedSession } | PauseGone | AlreadyResolved;

/** A resolved pause as a refusal naming who resolved it ("already resumed by alice@…"). */
export function alreadyResolved(pause: PausedSession): AlreadyResolved {
  return {
    ok: false,
    reason: 'already_resolved',
    message: `This pause was already ${pause.resolution} by ${pause.resolvedBy ?? 'someone else'}.`,
    resolution: pause.resolution!,
    resolvedBy: pause.resolvedBy,
    resolvedAt: pause.resolvedAt,
  };
}

/**
 * Locks the pause's session row, then the pause: the same order as a restore (startRecovery locks the session
 * first), so a resume or abort racing a restore on the same pause waits instead of deadlocking.
 */
async function lockOpenPause(tx: Db, pausedSessionId: string): Promise<LockedPause> {
  const [target] = await tx
    .select({ sessionId: pausedSessions.sessionId })
    .from(pausedSessions)
    .where(eq(pausedSessions.id, pausedSessionId));
  if (!target) return pauseGone;
  await tx.select({ id: agentSessions.id }).from(agentSessions).where(eq(agentSessions.id, target.sessionId)).for('update');
  const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, pausedSessionId)).for('update');
  if (!pause) return pauseGone;
  if (pause.resolved) return alreadyResolved(pause);
  return { ok: true, pause };
}

/** Closes an open pause inside a caller's transaction (resume, abort, restore share this). */
export async function resolvePauseInTx(
  tx: Db,
  input: {
    pause: PausedSession;
    resolution: 'resumed' | 'aborted' | 'restored';
    note?: string | null;
    details?: Record<string, unknown>;
  },
  actor: Actor,
) {
  const [pause] = await tx
    .update(pausedSessions)
    .set({
      resolved: true,
      resolvedAt: sql`now()`,
      resolvedBy: actorLabel(actor),
      resolution: input.resolution,
      resolutionNote: input.note ?? null,
    })
    .where(eq(pausedSessions.id, input.pause.id))
    .returning();
  await tx.insert(interventionActions).values({
    pausedSessionId: pause.id,
    sessionId: pause.sessionId,
    action: input.resolution,
    actor: actorLabel(actor),
    actorType: actorType(actor),
    note: input.note ?? null,
    details: input.details ?? {},
  });
  await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
  return pause;
}

export type ResolveResult = { ok: true; pause: PausedSession } | PauseGone | AlreadyResolved;

/** Resume: the agent's next control call answers `resume` with the note as instructions. */
export async function resumeSession(
  db: Db,
  input: { pausedSessionId: string; note?: string | null; bulk?: boolean },
  actor: Actor,
): Promise<ResolveResult> {
  const result = await db.transaction(async (tx): Promise<ResolveResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const pause = await resolvePauseInTx(tx, { pause: locked.pause, resolution: 'resumed', note: input.note }, actor);
    await tx.update(agentSessions).set({ status: 'running' }).where(eq(agentSessions.id, pause.sessionId));
    await appendEvent(tx, {
      eventType: 'session_resumed',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { status: 'running', actor_id: actorLabel(actor), paused_session_id: pause.id, note: input.note ?? undefined },
    });
    await auditPause(tx, actor, 'resume', pause, { note: input.note ?? null, ...(input.bulk ? { bulk: true } : {}) });
    return { ok: true, pause };
  });
  if (result.ok) signalSession(result.pause.sessionId);
  return result;
}

/** Abort: the session ends as aborted; the agent's control call answers `abort`. */
export async function abortSession(
  db: Db,
  input: { pausedSessionId: string; reason?: string | null; bulk?: boolean },
  actor: Actor,
): Promise<ResolveResult> {
  const result = await db.transaction(async (tx): Promise<ResolveResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const pause = await resolvePauseInTx(tx, { pause: locked.pause, resolution: 'aborted', note: input.reason }, actor);
    await tx
      .update(agentSessions)
      .set({ status: 'aborted', endedAt: sql`greatest(now(), ${agentSessions.startedAt})`, error: input.reason ?? 'Aborted by operator' })
      .where(eq(agentSessions.id, pause.sessionId));
    await appendEvent(tx, {
      eventType: 'session_aborted',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { status: 'aborted', actor_id: actorLabel(actor), paused_session_id: pause.id, reason: input.reason ?? undefined },
    });
    await auditPause(tx, actor, 'abort', pause, { reason: input.reason ?? null, ...(input.bulk ? { bulk: true } : {}) });
    return { ok: true, pause };
  });
  if (result.ok) signalSession(result.pause.sessionId);
  return result;
}

export async function addInterventionNote(
  db: Db,
  input: { pausedSessionId: string; note: string },
  actor: Actor,
): Promise<{ ok: true } | PauseGone> {
  return db.transaction(async (tx): Promise<{ ok: true } | PauseGone> => {
    const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId));
    if (!pause) return pauseGone;
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: pause.sessionId,
      action: 'note',
      actor: actorLabel(actor),
      actorType: actorType(actor),
      note: input.note,
    });
    await appendEvent(tx, {
      eventType: 'intervention_note',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { actor_id: actorLabel(actor), paused_session_id: pause.id, note: input.note },
    });
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
    await auditPause(tx, actor, 'note', pause);
    return { ok: true };
  });
}

export type AssignResult =
  | { ok: true; pause: PausedSession }
  | PauseGone
  | AlreadyResolved
  | { ok: false; reason: 'assigned_to_other'; message: string; assignedTo: string };

/** "Assign to me": claims an open pause so two engineers do not work the same one. `force` takes it over. */
export async function assignIntervention(
  db: Db,
  input: { pausedSessionId: string; force?: boolean },
  actor: Actor,
): Promise<AssignResult> {
  return db.transaction(async (tx): Promise<AssignResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const current = locked.pause.assignedTo;
    const me = actorLabel(actor);
    if (current && current !== me && !input.force) {
      const message = `Already assigned to ${current}. Take it over to reassign it to you.`;
      return { ok: false, reason: 'assigned_to_other', message, assignedTo: current };
    }
    const [pause] = await tx
      .update(pausedSessions)
      .set({ assignedTo: me, assignedAt: sql`now()` })
      .where(eq(pausedSessions.id, locked.pause.id))
      .returning();
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: pause.sessionId,
      action: 'assigned',
      actor: actorLabel(actor),
      actorType: actorType(actor),
      details: current ? { previous: current } : {},
    });
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
    await auditPause(tx, actor, 'assign', pause, { force: Boolean(input.force) });
    return { ok: true, pause };
  });
}

export type BulkItemResult = { id: string; ok: true } | { id: string; ok: false; message: string };

/**
 * Resume or abort many pauses. Each item is its own transaction (one refusal does not undo the others) and reports
 * its own outcome; items run `concurrency` at a time so a bulk of 20 takes a few round trips, not 20.
 */
export async function bulkResolveInterventions(
  db: Db,
  input: { ids: string[]; action: 'resume' | 'abort'; note?: string | null; concurrency?: number },
  actor: Actor,
): Promise<BulkItemResult[]> {
  const ids = [...new Set(input.ids)];
  const size = Math.max(1, input.concurrency ?? 5);
  const out: BulkItemResult[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size);
    const results = await Promise.all(
      chunk.map(async (id): Promise<BulkItemResult> => {
        try {
          const r =
            input.action === 'resume'
              ? await resumeSession(db, { pausedSessionId: id, note: input.note, bulk: true }, actor)
              : await abortSession(db, { pausedSessionId: id, reason: input.note, bulk: true }, actor);
          return r.ok ? { id, ok: true } : { id, ok: false, message: r.message };
        } catch (err) {
          log().error({ err, pausedSessionId: id }, 'bulk intervention item failed');
          return { id, ok: false, message: 'Something went wrong on our side; this one was not changed.' };
        }
      }),
    );
    out.push(...results);
  }
  return out;
}
