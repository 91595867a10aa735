import { postSlackUpdate } from '@/lib/interventions/slack/outbox';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ActorOf } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { queryRows, type Db } from '@/lib/db/client';
import {
  agentSessions,
  escalationStepRuns,
  interventionActions,
  notificationDeliveries,
  notificationPreferences,
  notifications,
  pausedSessions,
  user,
  type PausedSession,
} from '@/lib/db/schema';
import type { EscalationStep } from '@/lib/db/schema/escalation';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { notifyLiveInTx } from '@/lib/events/live';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { buildWebhookPayload } from '@/lib/interventions/notifications';
import { restoreFromPause } from '@/lib/checkpoints/restore-from-pause';

/** One step of one pause's ladder that the job found due. */
export type DueStep = { pausedSessionId: string; policyId: string; policyName: string; step: EscalationStep; stepIndex: number };
export type StepOutcome = DueStep & { taken: boolean; outcome: string; note: string };

/** The actor of every step: the system, through the job door, named after the policy ("escalation:Night shift"). */
export function escalationActor(policyName: string): ActorOf<'system'> {
  return { kind: 'system', id: 'escalation', name: `escalation:${policyName}`, via: 'job' };
}

type Tx = Db;
type Ctx = { tx: Tx; pause: PausedSession; project: string; agentName: string; due: DueStep; now: Date };
type Done = { outcome: string; note: string; details: Record<string, unknown> };

const activeUsers = sql`NOT coalesce(${user.banned}, false)`;

async function notifyPeople(c: Ctx, userIds: string[], title: string) {
  const ids = [...new Set(userIds)];
  if (ids.length) {
    await c.tx.insert(notifications).values(ids.map((userId) => ({ userId, pausedSessionId: c.pause.id, title, body: c.pause.reason })));
  }
  return ids.length;
}

async function notify(c: Ctx, s: Extract<EscalationStep, { kind: 'notify' }>): Promise<Done> {
  const byEmail = s.users.length
    ? await c.tx.select({ id: user.id }).from(user).where(and(inArray(user.email, s.users), activeUsers))
    : [];
  const byRole = s.role ? await c.tx.select({ id: user.id }).from(user).where(and(eq(user.role, s.role), activeUsers)) : [];
  const minutes = Math.round((c.now.getTime() - new Date(c.pause.pausedAt).getTime()) / 60_000);
  const title = `Escalated: ${c.project} / ${c.agentName} waiting ${minutes} min (${c.pause.pauseType.replace(/_/g, ' ')})`;
  const people = await notifyPeople(c, [...byEmail, ...byRole].map((u) => u.id), title);
  let channels = 0;
  if (s.channelId) {
    const [pref] = await c.tx
      .select()
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.id, s.channelId), eq(notificationPreferences.channel, 'webhook')));
    if (pref?.targetUrl) {
      const base = buildWebhookPayload({ pause: c.pause, project: c.project, agentName: c.agentName });
      const payload = { ...base, text: `⏫ ${title}`, event: 'intervention.escalated', escalation: { policy: c.due.policyName, step: c.due.stepIndex + 1 } };
      await c.tx.insert(notificationDeliveries).values({ preferenceId: pref.id, pausedSessionId: c.pause.id, targetUrl: pref.targetUrl, payload });
      channels = 1;
    }
  }
  const who = [s.users.length ? s.users.join(', ') : null, s.role ? `role ${s.role}` : null, s.channelId ? 'a channel' : null].filter(Boolean);
  return {
    outcome: people + channels > 0 ? 'notified' : 'nobody_to_notify',
    note: `Notified ${people} ${people === 1 ? 'person' : 'people'} and ${channels} ${channels === 1 ? 'channel' : 'channels'} (${who.join('; ')})`,
    details: { people, channels, users: s.users, role: s.role, channelId: s.channelId },
  };
}

/** "Whoever is on call for the role": the active person on call for it the longest. */
async function onCallFor(tx: Tx, role: string) {
  const [row] = await queryRows<{ id: string; email: string }>(
    tx,
    sql`SELECT u.id, u.email FROM escalation_on_call o JOIN "user" u ON u.id = o.user_id
        WHERE o.role = ${role} AND NOT coalesce(u.banned, false) ORDER BY o.since, u.email LIMIT 1`,
  );
  return row ?? null;
}

async function reassign(c: Ctx, s: Extract<EscalationStep, { kind: 'reassign' }>): Promise<Done> {
  const target = s.toUser
    ? ((await c.tx.select({ id: user.id, email: user.email }).from(user).where(and(eq(user.email, s.toUser), activeUsers)))[0] ?? null)
    : await onCallFor(c.tx, s.onCallRole ?? '');
  const wanted = s.toUser ?? `on call for ${s.onCallRole}`;
  if (!target) return { outcome: 'nobody', note: `Nobody to reassign to (${wanted}); left as it was`, details: { wanted } };
  const previous = c.pause.assignedTo;
  await c.tx.update(pausedSessions).set({ assignedTo: target.email, assignedAt: c.now }).where(eq(pausedSessions.id, c.pause.id));
  await c.tx.insert(interventionActions).values({
    pausedSessionId: c.pause.id,
    sessionId: c.pause.sessionId,
    action: 'assigned',
    actor: escalationActor(c.due.policyName).name,
    actorType: 'system',
    details: { to: target.email, ...(previous ? { previous } : {}) },
  });
  await notifyPeople(c, [target.id], `Assigned to you by escalation: ${c.project} / ${c.agentName}`);
  return { outcome: 'reassigned', note: `Reassigned to ${target.email}${s.onCallRole ? ` (on call for ${s.onCallRole})` : ''}`, details: { to: target.email, previous, wanted } };
}

/** Claims the step: true when this transaction wrote its run row (nobody had). */
async function claim(c: Ctx, done: Pick<Done, 'outcome' | 'details'>) {
  const rows = await c.tx
    .insert(escalationStepRuns)
    .values({
      pausedSessionId: c.pause.id,
      policyId: c.due.policyId,
      stepIndex: c.due.stepIndex,
      kind: c.due.step.kind,
      outcome: done.outcome,
      details: done.details,
      ranAt: c.now,
    })
    .onConflictDoNothing()
    .returning({ policyId: escalationStepRuns.policyId });
  return rows.length > 0;
}

async function alreadyClaimed(c: Pick<Ctx, 'tx' | 'due'>) {
  const [row] = await c.tx
    .select({ k: escalationStepRuns.stepIndex })
    .from(escalationStepRuns)
    .where(
      and(
        eq(escalationStepRuns.pausedSessionId, c.due.pausedSessionId),
        eq(escalationStepRuns.policyId, c.due.policyId),
        eq(escalationStepRuns.stepIndex, c.due.stepIndex),
      ),
    );
  return Boolean(row);
}

/** The trail row, the session event and the audit row of a step taken. */
async function record(c: Ctx, done: Done) {
  const actor = escalationActor(c.due.policyName);
  const step = c.due.stepIndex + 1;
  const details = { policy_id: c.due.policyId, policy: c.due.policyName, step, kind: c.due.step.kind, outcome: done.outcome, ...done.details };
  await c.tx.insert(interventionActions).values({
    pausedSessionId: c.pause.id,
    sessionId: c.pause.sessionId,
    action: 'escalated',
    actor: actor.name,
    actorType: 'system',
    note: `Step ${step} of "${c.due.policyName}": ${done.note}`,
    details,
  });
  await appendEvent(c.tx, {
    eventType: 'intervention_escalated',
    aggregateType: 'session',
    aggregateId: c.pause.sessionId,
    metadata: { actor_id: actor.name, paused_session_id: c.pause.id, ...details },
  });
  await recordAudit(c.tx, { actor, action: 'escalation.step', targetType: 'paused_session', targetId: c.pause.id, outcome: 'success', details });
  await notifyLiveInTx(c.tx, { topic: 'interventions', sessionId: c.pause.sessionId });
  // Every Slack channel that got the pause hears of the step (and of a default action's outcome).
  await postSlackUpdate(c.tx, { pausedSessionId: c.pause.id, text: `Escalation — step ${step} of "${c.due.policyName}": ${done.note}` });
}

/**
 * The default action goes through the person's own command (resume, abort, restore) inside this transaction (a
 * savepoint), so it locks the pause exactly as a person's click does: whoever locks first decides, the other gets
 * `already_resolved` naming the winner. Only a decision the system made is recorded as a step.
 */
async function defaultAction(c: Ctx, kind: 'resume' | 'abort' | 'restore'): Promise<Done | null> {
  const actor = escalationActor(c.due.policyName);
  const note = `No decision ${Math.round((c.now.getTime() - new Date(c.pause.pausedAt).getTime()) / 60_000)} min after the pause (escalation policy "${c.due.policyName}")`;
  const id = c.pause.id;
  const r =
    kind === 'resume'
      ? await resumeSession(c.tx, { pausedSessionId: id, note }, actor)
      : kind === 'abort'
        ? await abortSession(c.tx, { pausedSessionId: id, reason: note }, actor)
        : await restoreFromPause(c.tx, { pausedSessionId: id, note }, actor);
  if (r.ok && 'pending' in r && r.pending) return { outcome: 'requested', note: `Default action: restore requested (four-eyes: awaiting approval)`, details: { note, request_id: r.requestId } };
  if (r.ok) return { outcome: kind === 'resume' ? 'resumed' : kind === 'abort' ? 'aborted' : 'restored', note: `Default action: ${kind}`, details: { note } };
  if (r.reason === 'refused') return { outcome: 'refused', note: `Default action ${kind} refused: ${r.message}`, details: { message: r.message } };
  return null;
}

export async function takeStep(db: Db, due: DueStep, now: Date): Promise<StepOutcome> {
  const skip = (outcome: string, note: string): StepOutcome => ({ ...due, taken: false, outcome, note });
  let sessionId = '';
  const result = await db.transaction(async (tx): Promise<StepOutcome> => {
    const kind = due.step.kind;
    const isDecision = kind === 'resume' || kind === 'abort' || kind === 'restore';
    // Decisions lock inside their command (restore: session, then pause); the other steps lock the pause here.
    const base = tx.select().from(pausedSessions).where(eq(pausedSessions.id, due.pausedSessionId));
    const [pause] = isDecision ? await base : await base.for('update');
    if (!pause) return skip('gone', 'The pause no longer exists');
    sessionId = pause.sessionId;
    if (pause.resolved && !isDecision) return skip('resolved', `Already ${pause.resolution} by ${pause.resolvedBy}`);
    if (!isDecision && (await alreadyClaimed({ tx, due }))) return skip('claimed', 'Another instance took this step');
    const [s] = await tx.select({ project: agentSessions.project, agentName: agentSessions.agentName }).from(agentSessions).where(eq(agentSessions.id, pause.sessionId));
    const c: Ctx = { tx, pause, project: s?.project ?? pause.project ?? '', agentName: s?.agentName ?? '', due, now };
    let done: Done | null;
    if (kind === 'notify') done = await notify(c, due.step as Extract<EscalationStep, { kind: 'notify' }>);
    else if (kind === 'reassign') done = await reassign(c, due.step as Extract<EscalationStep, { kind: 'reassign' }>);
    else done = await defaultAction(c, kind);
    // A decision someone else (a person, or another instance) made first: nothing of ours was changed.
    if (!done) return skip('lost', 'Someone decided first');
    if (!(await claim(c, done))) {
      // Only reachable for a decision whose command refused without a change: keep the first run's record.
      return skip('claimed', 'Another instance took this step');
    }
    await record(c, done);
    return { ...due, taken: true, outcome: done.outcome, note: done.note };
  });
  // The decision's command signalled before this outer transaction committed: wake the agent's long poll again.
  if (result.taken) signalSession(sessionId);
  return result;
}
