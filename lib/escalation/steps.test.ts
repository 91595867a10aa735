import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { interventionActions, notificationDeliveries, notificationPreferences, pausedSessions, checkpointRecoveries } from '@/lib/db/schema';
import { pauseSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { makePolicy, makeUser } from '@/lib/test/escalation';
import { agent, makeCheckpoint, makeSession } from '@/lib/test/factories';
import { runEscalations } from './run';

async function pausedIn(db: Db, project: string, opts: { checkpoint?: boolean } = {}) {
  const session = await makeSession(db, { project });
  if (opts.checkpoint) await makeCheckpoint(db, session.id);
  const r = await pauseSession(db, { sessionId: session.id, reason: 'Stuck', pauseType: 'error' }, agent);
  if (!r.ok) throw new Error(r.reason);
  return r.pause;
}
const later = (p: { pausedAt: Date }, min: number) => new Date(p.pausedAt.getTime() + min * 60_000 + 1);
const escalations = async (db: Db, id: string) =>
  (await db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, id))).filter((a) => a.action === 'escalated');

/** Each kind of step as its rows show it: a channel's outbox row, a named reassignment, the restore default. */
describeEachDb('escalation steps', (t) => {
  it('notify a channel: one webhook outbox row for the saved destination, marked as an escalation', async () => {
    const project = `ch-${Date.now().toString(36)}`;
    const owner = await makeUser(t().db, 'engineer');
    const [hook] = await t()
      .db.insert(notificationPreferences)
      .values({ userId: owner.id, channel: 'webhook', targetUrl: 'https://hooks.example.com/esc', projects: ['nothing-else'] })
      .returning();
    await makePolicy(t().db, { projects: project, steps: [{ kind: 'notify', afterMinutes: 1, channelId: hook.id }] });
    const pause = await pausedIn(t().db, project);
    await runEscalations(t().db, { now: later(pause, 1) });
    await runEscalations(t().db, { now: later(pause, 2) });
    const rows = await t().db.select().from(notificationDeliveries).where(eq(notificationDeliveries.pausedSessionId, pause.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ preferenceId: hook.id, targetUrl: 'https://hooks.example.com/esc', status: 'pending' });
    expect(rows[0].payload).toMatchObject({ event: 'intervention.escalated', escalation: { step: 1 }, intervention: { id: pause.id } });
    const [e] = await escalations(t().db, pause.id);
    expect(e.note).toContain('Notified 0 people and 1 channel (a channel)');
  });

  it('reassign to a named person, then restore from the last valid checkpoint by default', async () => {
    const project = `rs-${Date.now().toString(36)}`;
    const lead = await makeUser(t().db, 'engineer');
    await makePolicy(t().db, {
      projects: project,
      steps: [{ kind: 'reassign', afterMinutes: 5, toUser: lead.email }],
      defaultAction: 'restore',
      defaultAfterMinutes: 10,
    });
    const withCheckpoint = await pausedIn(t().db, project, { checkpoint: true });
    const without = await pausedIn(t().db, project);
    await runEscalations(t().db, { now: later(without, 11) });
    const [a] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, withCheckpoint.id));
    expect(a).toMatchObject({ assignedTo: lead.email, resolved: true, resolution: 'restored', resolvedBy: expect.stringMatching(/^escalation:/) });
    const recoveries = await t().db.select().from(checkpointRecoveries).where(eq(checkpointRecoveries.sessionId, withCheckpoint.sessionId));
    expect(recoveries).toHaveLength(1);
    // No valid checkpoint: the default is refused, recorded once, and the pause stays open for a person.
    const [b] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, without.id));
    expect(b.resolved).toBe(false);
    const notes = (await escalations(t().db, without.id)).map((e) => e.note);
    expect(notes).toEqual([
      expect.stringContaining(`Reassigned to ${lead.email}`),
      expect.stringContaining('Default action restore refused: This session has no valid checkpoint to restore from.'),
    ]);
    await runEscalations(t().db, { now: later(without, 30) });
    expect(await escalations(t().db, without.id)).toHaveLength(2);
  });

  it('a Slack channel that got the pause hears of each step taken, once', async () => {
    const project = `sl-${Date.now().toString(36)}`;
    await makePolicy(t().db, { projects: project, steps: [{ kind: 'reassign', afterMinutes: 1, toUser: (await makeUser(t().db, 'engineer')).email }] });
    const pause = await pausedIn(t().db, project);
    // The pause's own Slack message (as the outbox wrote it for the fleet channel).
    await t().db.insert(notificationDeliveries).values({ pausedSessionId: pause.id, targetUrl: 'https://hooks.slack.com/services/T/B/x', channel: 'slack', payload: { text: 'paused' } });
    await runEscalations(t().db, { now: later(pause, 1) });
    await runEscalations(t().db, { now: later(pause, 2) });
    const rows = await t().db.select().from(notificationDeliveries).where(eq(notificationDeliveries.pausedSessionId, pause.id));
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows[1].payload)).toContain('Escalation — step 1 of');
  });
});
