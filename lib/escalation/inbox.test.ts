import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import type { PauseType } from '@/lib/db/schema/enums';
import { pauseSession } from '@/lib/interventions/commands';
import { decodeCursor, listActiveInterventions } from '@/lib/interventions/queries';
import { describeEachDb } from '@/lib/test/db';
import { makePolicy } from '@/lib/test/escalation';
import { agent, makeSession } from '@/lib/test/factories';
import { countPausesPastDeadline } from '@/lib/interventions/deadlines';
import { runEscalations } from './run';

async function pause(db: Db, project: string, pauseType: PauseType) {
  const s = await makeSession(db, { project });
  const r = await pauseSession(db, { sessionId: s.id, reason: `blocked (${pauseType})`, pauseType }, agent);
  if (!r.ok) throw new Error(r.reason);
  return r.pause;
}

/** The inbox as a person reads it: each pause's deadline (time of its policy's next step), the badge, the order. */
describeEachDb('inbox deadlines', (t) => {
  it('shows the next step and the escalated badge, sorts by deadline across pages, counts pauses past deadline', async () => {
    const project = `dl-${randomUUID().slice(0, 8)}`;
    await makePolicy(t().db, { name: `slow-${project}`, projects: project, pauseTypes: ['blocker'], steps: [{ kind: 'notify', afterMinutes: 30, role: 'admin' }] });
    await makePolicy(t().db, {
      name: `fast-${project}`,
      projects: project,
      pauseTypes: ['error'],
      steps: [
        { kind: 'notify', afterMinutes: 5, role: 'admin' },
        { kind: 'reassign', afterMinutes: 60, onCallRole: 'engineer' },
      ],
    });
    const blocker = await pause(t().db, project, 'blocker');
    const error = await pause(t().db, project, 'error');
    const manual = await pause(t().db, project, 'manual');
    const plus = (min: number) => new Date(error.pausedAt.getTime() + min * 60_000 + 1);

    const byDeadline = async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 5; i++) {
        const p = await listActiveInterventions(t().db, { project, sort: 'deadline', limit: 1, cursor: decodeCursor(cursor) });
        ids.push(...p.rows.map((r) => r.id));
        cursor = p.nextCursor;
        if (!cursor) break;
      }
      return ids;
    };
    expect(await byDeadline()).toEqual([error.id, blocker.id, manual.id]);
    const oldest = await listActiveInterventions(t().db, { project });
    expect(oldest.rows.map((r) => r.id)).toEqual([blocker.id, error.id, manual.id]);
    const row = (id: string) => oldest.rows.find((r) => r.id === id)!;
    expect(row(error.id)).toMatchObject({ next_step_kind: 'notify', policy_name: `fast-${project}`, escalated: false });
    expect(new Date(row(error.id).next_step_at!).getTime() - error.pausedAt.getTime()).toBeGreaterThanOrEqual(5 * 60_000 - 1);
    expect(row(manual.id)).toMatchObject({ next_step_at: null, policy_name: null, escalated: false });

    expect(await countPausesPastDeadline(t().db, { now: plus(4) })).toBe(0);
    await runEscalations(t().db, { now: plus(6) });
    expect(await countPausesPastDeadline(t().db, { now: plus(6) })).toBe(1);
    const after = await listActiveInterventions(t().db, { project });
    const e = after.rows.find((r) => r.id === error.id)!;
    expect(e).toMatchObject({ escalated: true, next_step_kind: 'reassign' });
    expect(after.rows.find((r) => r.id === blocker.id)).toMatchObject({ escalated: false, next_step_kind: 'notify' });
    // The error pause's next step is now an hour out: the blocker's (30 min) comes first.
    expect(await byDeadline()).toEqual([blocker.id, error.id, manual.id]);
  });
});
