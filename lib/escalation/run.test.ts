import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createDb, type Db } from '@/lib/db/client';
import { agentSessions, auditLog, escalationStepRuns, interventionActions, notifications, pausedSessions } from '@/lib/db/schema';
import { abortSession } from '@/lib/interventions/commands';
import { describeEachDb, type TestDatabase } from '@/lib/test/db';
import { makeUser, makePolicy, admin } from '@/lib/test/escalation';
import { engineer, makeSession, agent } from '@/lib/test/factories';
import { pauseSession } from '@/lib/interventions/commands';
import { setOnCall } from './policies';
import { countPausesPastDeadline } from '@/lib/interventions/deadlines';
import { listDueSteps, runEscalations } from './run';
import { takeStep } from './steps';

/** A paused session in its own project (policies here match one project, so tests do not see each other's). */
async function pausedIn(db: Db, project: string) {
  const session = await makeSession(db, { project });
  const r = await pauseSession(db, { sessionId: session.id, reason: 'Needs approval', pauseType: 'blocker' }, agent);
  if (!r.ok) throw new Error(r.reason);
  return r.pause;
}

const trail = (db: Db, pausedSessionId: string) =>
  db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pausedSessionId)).orderBy(interventionActions.id);

/** A second app instance: its own connection pool on Postgres; on PGlite (one process) the same handle. */
async function secondInstance(t: TestDatabase) {
  if (t.kind === 'pglite') return { db: t.db, close: async () => {} };
  const h = await createDb({ url: t.url!, poolMax: 4 });
  return { db: h.db, close: () => h.close() };
}

describeEachDb('escalation job', (t) => {
  it('takes each step at its time, once, with two instances running the job at the same moments', async () => {
    const project = `esc-${Date.now().toString(36)}`;
    const oncall = await makeUser(t().db, 'engineer');
    const other = await makeUser(t().db, 'engineer');
    await setOnCall(t().db, { role: 'engineer', userId: oncall.id, onCall: true }, admin);
    await makePolicy(t().db, {
      projects: project,
      steps: [
        { kind: 'notify', afterMinutes: 10, role: 'engineer' },
        { kind: 'reassign', afterMinutes: 20, onCallRole: 'engineer' },
      ],
      defaultAction: 'abort',
      defaultAfterMinutes: 30,
    });
    const pause = await pausedIn(t().db, project);
    // +1 ms: Postgres keeps microseconds, a JS Date only milliseconds.
    const at = (min: number) => new Date(pause.pausedAt.getTime() + min * 60_000 + 1);
    const b = await secondInstance(t());
    const both = async (now: Date) => {
      const [x, y] = await Promise.all([runEscalations(t().db, { now }), runEscalations(b.db, { now })]);
      return [...x.taken, ...y.taken].filter((s) => s.pausedSessionId === pause.id).map((s) => s.outcome);
    };
    try {
      expect(await both(at(9.9))).toEqual([]);
      expect(await countPausesPastDeadline(t().db, { now: at(9.9) })).toBe(0);

      expect(await both(at(10))).toEqual(['notified']);
      expect(await both(at(19))).toEqual([]);
      const mine = await t().db.select().from(notifications).where(and(eq(notifications.pausedSessionId, pause.id), eq(notifications.userId, other.id)));
      expect(mine).toHaveLength(1);
      expect(mine[0].title).toMatch(/^Escalated: .* waiting 10 min \(blocker\)$/);

      expect(await both(at(25))).toEqual(['reassigned']);
      const [assigned] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
      expect(assigned.assignedTo).toBe(oncall.email);

      expect(await both(at(31))).toEqual(['aborted']);
      expect(await both(at(60))).toEqual([]);
    } finally {
      await b.close();
    }
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, pause.sessionId));
    expect(s.status).toBe('aborted');
    const rows = await trail(t().db, pause.id);
    const escalated = rows.filter((r) => r.action === 'escalated');
    expect(escalated.map((r) => r.details.step)).toEqual([1, 2, 3]);
    expect(escalated[0].note).toMatch(/^Step 1 of "policy-.*": Notified 2 people and 0 channels \(role engineer\)$/);
    expect(escalated[1].note).toContain(`Reassigned to ${oncall.email} (on call for engineer)`);
    expect(rows.filter((r) => r.action === 'aborted')).toEqual([expect.objectContaining({ actorType: 'system' })]);
    const audits = await t().db.select().from(auditLog).where(and(eq(auditLog.targetId, pause.id), eq(auditLog.action, 'escalation.step')));
    expect(audits).toHaveLength(3);
    expect(audits.every((a) => a.actorType === 'system' && (a.details as { via?: string }).via === 'job')).toBe(true);
  });

  it('survives a restart: steps already taken are not taken again by a fresh instance', async () => {
    const project = `esc-restart-${Date.now().toString(36)}`;
    await makeUser(t().db, 'qa');
    await makePolicy(t().db, {
      projects: project,
      steps: [
        { kind: 'notify', afterMinutes: 5, role: 'qa' },
        { kind: 'notify', afterMinutes: 15, role: 'qa' },
      ],
    });
    const pause = await pausedIn(t().db, project);
    const at = (min: number) => new Date(pause.pausedAt.getTime() + min * 60_000 + 1);
    await runEscalations(t().db, { now: at(6) });
    // A new process: nothing in memory, only the database.
    const fresh = await secondInstance(t());
    try {
      const r = await runEscalations(fresh.db, { now: at(16) });
      expect(r.taken.filter((s) => s.pausedSessionId === pause.id).map((s) => s.stepIndex)).toEqual([1]);
    } finally {
      await fresh.close();
    }
    const runs = await t().db.select().from(escalationStepRuns).where(eq(escalationStepRuns.pausedSessionId, pause.id));
    expect(runs.map((r) => r.stepIndex).sort()).toEqual([0, 1]);
    expect((await trail(t().db, pause.id)).filter((r) => r.action === 'escalated')).toHaveLength(2);
  });

  it('default action racing a person: the person first → the job changes nothing', async () => {
    const project = `esc-race1-${Date.now().toString(36)}`;
    await makePolicy(t().db, { projects: project, defaultAction: 'resume', defaultAfterMinutes: 0 });
    const pause = await pausedIn(t().db, project);
    const now = new Date(pause.pausedAt.getTime() + 60_000);
    const [due] = (await listDueSteps(t().db, { now, limit: 1000 })).filter((d) => d.pausedSessionId === pause.id);
    // The job has read the pause as open; the person's abort lands before its command locks the pause.
    expect((await abortSession(t().db, { pausedSessionId: pause.id, reason: 'no' }, engineer('ann'))).ok).toBe(true);
    expect(await takeStep(t().db, due, now)).toMatchObject({ taken: false, outcome: 'lost' });
    const rows = await trail(t().db, pause.id);
    expect(rows.map((r) => r.action)).toEqual(['paused', 'aborted']);
    const [p] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(p).toMatchObject({ resolution: 'aborted', resolvedBy: 'ann@example.com' });
  });

  it('default action racing a person: the job first → the person is told who decided', async () => {
    const project = `esc-race2-${Date.now().toString(36)}`;
    const policy = await makePolicy(t().db, { projects: project, defaultAction: 'resume', defaultAfterMinutes: 0 });
    const pause = await pausedIn(t().db, project);
    await runEscalations(t().db, { now: new Date(pause.pausedAt.getTime() + 1000) });
    const r = await abortSession(t().db, { pausedSessionId: pause.id, reason: 'no' }, engineer('bob'));
    expect(r).toMatchObject({ ok: false, reason: 'already_resolved', message: `This pause was already resumed by escalation:${policy.name}.` });
    const [s] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, pause.sessionId));
    expect(s.status).toBe('running');
  });

  it('default action and a person in the same instant: exactly one decision, the other refused cleanly', async () => {
    const project = `esc-race3-${Date.now().toString(36)}`;
    await makePolicy(t().db, { projects: project, defaultAction: 'abort', defaultAfterMinutes: 0 });
    const pauses = await Promise.all([1, 2, 3, 4].map(() => pausedIn(t().db, project)));
    const now = new Date(Math.max(...pauses.map((p) => p.pausedAt.getTime())) + 1000);
    const b = await secondInstance(t());
    try {
      const [job, , people] = await Promise.all([
        runEscalations(t().db, { now }),
        runEscalations(b.db, { now }),
        Promise.all(pauses.map((p) => abortSession(t().db, { pausedSessionId: p.id, reason: 'mine' }, engineer('cat')))),
      ]);
      expect(job).toBeDefined();
      for (const [i, p] of pauses.entries()) {
        const rows = await trail(t().db, p.id);
        const decisions = rows.filter((r) => r.action === 'aborted');
        expect(decisions).toHaveLength(1);
        const [row] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, p.id));
        const personWon = people[i].ok;
        expect(row.resolvedBy).toBe(personWon ? 'cat@example.com' : expect.stringMatching(/^escalation:/));
        expect(rows.filter((r) => r.action === 'escalated')).toHaveLength(personWon ? 0 : 1);
        if (!personWon) expect(people[i]).toMatchObject({ reason: 'already_resolved', message: expect.stringContaining('by escalation:') });
      }
    } finally {
      await b.close();
    }
  });
});
