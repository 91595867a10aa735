import { and, eq, sql } from 'drizzle-orm';
import type { DomainActor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import {
  agentSessions,
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
 * Pause and its resolutions. Each is one transaction that locks the rows it changes (`FOR UPDATE`), writes the
 * intervention_actions trail and an execution event, and returns a result union; two people resolving the same
 * pause at once get one winner and one `already_resolved` naming who won.
 */
export type AlreadyResolved = {
  ok: false;
  reason: 'already_resolved';
  resolution: NonNullable<PausedSession['resolution']>;
  resolvedBy: string | null;
  resolvedAt: Date | null;
};

export type PauseResult =
  | { ok: true; pause: PausedSession }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'session_finished'; status: string }
  | { ok: false; reason: 'already_paused'; pause: PausedSession };

export async function pauseSession(
  db: Db,
  input: {
    sessionId: string;
    reason: string;
    pauseType: PauseType;
    currentTask?: string | null;
    context?: PauseContext;
    checkpointId?: string | null;
    actor: DomainActor;
  },
  hooks: { afterPause?: (tx: Db, pause: PausedSession) => Promise<void> } = {},
): Promise<PauseResult> {
  const result = await db.transaction(async (tx): Promise<PauseResult> => {
    const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
    if (!s) return { ok: false, reason: 'not_found' };
    if (isTerminal(s.status)) return { ok: false, reason: 'session_finished', status: s.status };
    const [open] = await tx
      .select()
      .from(pausedSessions)
      .where(and(eq(pausedSessions.sessionId, s.id), eq(pausedSessions.resolved, false)));
    if (open) return { ok: false, reason: 'already_paused', pause: open };
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
      .set({ status: 'paused', currentTask: pause.currentTask, lastHeartbeatAt: sql`now()` })
      .where(eq(agentSessions.id, s.id));
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: s.id,
      action: 'paused',
      actor: input.actor.label,
      actorType: input.actor.type,
      note: input.reason,
      details: { pause_type: input.pauseType },
    });
    await appendEvent(tx, {
      eventType: 'session_paused',
      aggregateType: 'session',
      aggregateId: s.id,
      metadata: { status: 'paused', actor_id: input.actor.label, pause_type: input.pauseType, paused_session_id: pause.id },
    });
    // Rows only (in-app + webhook outbox): the HTTP happens later in the delivery worker, never inside a pause.
    const notified = await fanOutPauseNotifications(tx, { pause, project: s.project, agentName: s.agentName });
    if (notified.inApp || notified.webhooks) {
      await tx.insert(interventionActions).values({
        pausedSessionId: pause.id,
        sessionId: s.id,
        action: 'notified',
        actor: 'system',
        actorType: 'system',
        details: { in_app: notified.inApp, webhooks: notified.webhooks },
      });
    }
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: s.id });
    await hooks.afterPause?.(tx, pause);
    return { ok: true, pause };
  });
  if (result.ok) signalSession(input.sessionId);
  return result;
}

type LockedPause =
  | { ok: true; pause: PausedSession }
  | { ok: false; reason: 'not_found' }
  | AlreadyResolved;

async function lockOpenPause(tx: Db, pausedSessionId: string): Promise<LockedPause> {
  const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, pausedSessionId)).for('update');
  if (!pause) return { ok: false, reason: 'not_found' };
  if (pause.resolved) {
    return {
      ok: false,
      reason: 'already_resolved',
      resolution: pause.resolution!,
      resolvedBy: pause.resolvedBy,
      resolvedAt: pause.resolvedAt,
    };
  }
  return { ok: true, pause };
}

/** Closes an open pause inside a caller's transaction (resume, abort, restore share this). */
export async function resolvePauseInTx(
  tx: Db,
  input: {
    pause: PausedSession;
    resolution: 'resumed' | 'aborted' | 'restored';
    note?: string | null;
    actor: DomainActor;
    details?: Record<string, unknown>;
  },
) {
  const [pause] = await tx
    .update(pausedSessions)
    .set({
      resolved: true,
      resolvedAt: sql`now()`,
      resolvedBy: input.actor.label,
      resolution: input.resolution,
      resolutionNote: input.note ?? null,
    })
    .where(eq(pausedSessions.id, input.pause.id))
    .returning();
  await tx.insert(interventionActions).values({
    pausedSessionId: pause.id,
    sessionId: pause.sessionId,
    action: input.resolution,
    actor: input.actor.label,
    actorType: input.actor.type,
    note: input.note ?? null,
    details: input.details ?? {},
  });
  await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
  return pause;
}

export type ResolveResult = { ok: true; pause: PausedSession } | { ok: false; reason: 'not_found' } | AlreadyResolved;

/** Extra writes that must commit with the transition (the console's audit_log row). */
export type TxHooks = { inTx?: (tx: Db, pause: PausedSession) => Promise<void> };

/** Resume: the agent's next control call answers `resume` with the note as instructions. */
export async function resumeSession(
  db: Db,
  input: { pausedSessionId: string; note?: string | null; actor: DomainActor },
  hooks: TxHooks = {},
): Promise<ResolveResult> {
  const result = await db.transaction(async (tx): Promise<ResolveResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const pause = await resolvePauseInTx(tx, { pause: locked.pause, resolution: 'resumed', note: input.note, actor: input.actor });
    await tx.update(agentSessions).set({ status: 'running' }).where(eq(agentSessions.id, pause.sessionId));
    await appendEvent(tx, {
      eventType: 'session_resumed',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { status: 'running', actor_id: input.actor.label, paused_session_id: pause.id, note: input.note ?? undefined },
    });
    await hooks.inTx?.(tx, pause);
    return { ok: true, pause };
  });
  if (result.ok) signalSession(result.pause.sessionId);
  return result;
}

/** Abort: the session ends as aborted; the agent's control call answers `abort`. */
export async function abortSession(
  db: Db,
  input: { pausedSessionId: string; reason?: string | null; actor: DomainActor },
  hooks: TxHooks = {},
): Promise<ResolveResult> {
  const result = await db.transaction(async (tx): Promise<ResolveResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const pause = await resolvePauseInTx(tx, { pause: locked.pause, resolution: 'aborted', note: input.reason, actor: input.actor });
    await tx
      .update(agentSessions)
      .set({ status: 'aborted', endedAt: sql`greatest(now(), ${agentSessions.startedAt})`, error: input.reason ?? 'Aborted by operator' })
      .where(eq(agentSessions.id, pause.sessionId));
    await appendEvent(tx, {
      eventType: 'session_aborted',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { status: 'aborted', actor_id: input.actor.label, paused_session_id: pause.id, reason: input.reason ?? undefined },
    });
    await hooks.inTx?.(tx, pause);
    return { ok: true, pause };
  });
  if (result.ok) signalSession(result.pause.sessionId);
  return result;
}

export async function addInterventionNote(
  db: Db,
  input: { pausedSessionId: string; note: string; actor: DomainActor },
  hooks: TxHooks = {},
): Promise<{ ok: true } | { ok: false; reason: 'not_found' }> {
  return db.transaction(async (tx) => {
    const [pause] = await tx.select().from(pausedSessions).where(eq(pausedSessions.id, input.pausedSessionId));
    if (!pause) return { ok: false, reason: 'not_found' } as const;
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: pause.sessionId,
      action: 'note',
      actor: input.actor.label,
      actorType: input.actor.type,
      note: input.note,
    });
    await appendEvent(tx, {
      eventType: 'intervention_note',
      aggregateType: 'session',
      aggregateId: pause.sessionId,
      metadata: { actor_id: input.actor.label, paused_session_id: pause.id, note: input.note },
    });
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
    await hooks.inTx?.(tx, pause);
    return { ok: true } as const;
  });
}

export type AssignResult =
  | { ok: true; pause: PausedSession }
  | { ok: false; reason: 'not_found' }
  | AlreadyResolved
  | { ok: false; reason: 'assigned_to_other'; assignedTo: string };

/** "Assign to me": claims an open pause so two engineers do not work the same one. `force` takes it over. */
export async function assignIntervention(
  db: Db,
  input: { pausedSessionId: string; actor: DomainActor; force?: boolean },
  hooks: TxHooks = {},
): Promise<AssignResult> {
  return db.transaction(async (tx): Promise<AssignResult> => {
    const locked = await lockOpenPause(tx, input.pausedSessionId);
    if (!locked.ok) return locked;
    const current = locked.pause.assignedTo;
    if (current && current !== input.actor.label && !input.force) {
      return { ok: false, reason: 'assigned_to_other', assignedTo: current };
    }
    const [pause] = await tx
      .update(pausedSessions)
      .set({ assignedTo: input.actor.label, assignedAt: sql`now()` })
      .where(eq(pausedSessions.id, locked.pause.id))
      .returning();
    await tx.insert(interventionActions).values({
      pausedSessionId: pause.id,
      sessionId: pause.sessionId,
      action: 'assigned',
      actor: input.actor.label,
      actorType: input.actor.type,
      details: current ? { previous: current } : {},
    });
    await notifyLiveInTx(tx, { topic: 'interventions', sessionId: pause.sessionId });
    await hooks.inTx?.(tx, pause);
    return { ok: true, pause };
  });
}

/** A human-readable refusal for an already-resolved pause ("already resumed by alice@…"). */
export function describeAlreadyResolved(r: AlreadyResolved) {
  return `This pause was already ${r.resolution} by ${r.resolvedBy ?? 'someone else'}.`;
}

export type BulkItemResult = { id: string; ok: true } | { id: string; ok: false; message: string };

/**
 * Resume or abort many pauses. Each item is its own transaction (one refusal does not undo the others) and reports
 * its own outcome; items run `concurrency` at a time so a bulk of 20 takes a few round trips, not 20.
 */
export async function bulkResolveInterventions(
  db: Db,
  input: { ids: string[]; action: 'resume' | 'abort'; note?: string | null; actor: DomainActor; concurrency?: number },
  hooks: TxHooks = {},
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
              ? await resumeSession(db, { pausedSessionId: id, note: input.note, actor: input.actor }, hooks)
              : await abortSession(db, { pausedSessionId: id, reason: input.note, actor: input.actor }, hooks);
          if (r.ok) return { id, ok: true };
          return { id, ok: false, message: r.reason === 'already_resolved' ? describeAlreadyResolved(r) : 'This pause no longer exists.' };
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
