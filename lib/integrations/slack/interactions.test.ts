import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setDbHandleForTests } from '@/lib/db/client';
import { agentSessions, auditLog, interventionActions } from '@/lib/db/schema';
import { resumeSession } from '@/lib/interventions/commands';
import { describeEachDb } from '@/lib/test/db';
import { pausedMessage, pauseRow, person, SECRET, send, withFakeSlack } from '@/lib/test/slack-kit';

/**
 * The whole Slack loop against a local fake() Slack over real HTTP: the pause message arrives through the outbox,
 * its buttons are read, a block_actions click is signed as Slack signs it and posted to the route handler, and the
 * outcome arrives at the response_url, replacing the buttons.
 */
const fake = withFakeSlack();

describeEachDb('Slack interactions', (t) => {
  beforeAll(() => setDbHandleForTests(t().handle));
  afterAll(() => setDbHandleForTests(undefined));

  it('posts a Block Kit pause message with the facts and the four buttons', async () => {
    const { message, pauseId, sessionId, project } = await pausedMessage(t().db, fake());
    const text = JSON.stringify(message.blocks);
    for (const fact of [project, 'billing-bot', 'blocker', 'Needs approval &lt;to deploy&gt;', 'task-1', 'HTTP 503 from deploy', '^{ago}|']) {
      expect(text).toContain(fact);
    }
    const buttons = fake().buttons(message);
    expect(buttons.map((b) => b.text.text)).toEqual(['Resume', 'Abort', 'Restore last valid checkpoint', 'Open']);
    expect(buttons.slice(0, 3).map((b) => [b.action_id, b.value])).toEqual([
      ['flightdeck.resume', pauseId],
      ['flightdeck.abort', pauseId],
      ['flightdeck.restore', pauseId],
    ]);
    expect(buttons[3].url).toBe(`https://flightdeck.example.com/sessions/${sessionId}`);
  });

  it.each([
    ['flightdeck.resume', 'Resumed', 'resumed', 'running', 'intervention.resume'],
    ['flightdeck.abort', 'Aborted', 'aborted', 'aborted', 'intervention.abort'],
    ['flightdeck.restore', 'Restored', 'restored', 'recovering', 'intervention.restore'],
  ])('%s acts as the linked user via Slack and replaces the buttons with the outcome', async (actionId, verb, resolution, status, audit) => {
    const db = t().db;
    const ana = await person(db, 'Ana Lee', 'engineer', true);
    const { message, pauseId, sessionId } = await pausedMessage(db, fake());
    const click = fake().signClick({ message, actionId, slackUserId: ana.slackUserId, secret: SECRET });
    const res = await send(click);
    expect(res.status).toBe(200);
    const update = (await fake().waitFor(click.responsePath)).body;
    expect(update.replace_original).toBe(true);
    expect(update.text).toMatch(new RegExp(`^${verb} by Ana Lee at <!date\\^\\d+\\^\\{time\\}\\|\\d\\d:\\d\\d UTC>`));
    if (resolution === 'restored') expect(update.text).toContain('from checkpoint #1');
    expect(update.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(update.blocks)).toContain('billing-bot');
    const pause = await pauseRow(db, pauseId);
    expect([pause.resolution, pause.resolvedBy]).toEqual([resolution, ana.email]);
    const [s] = await db.select().from(agentSessions).where(eq(agentSessions.id, sessionId));
    expect(s.status).toBe(status);
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.targetId, pauseId), eq(auditLog.action, audit)));
    expect(rows).toHaveLength(1);
    expect([rows[0].actorLabel, rows[0].outcome, (rows[0].details as { via: string }).via]).toEqual([ana.email, 'success', 'slack']);
    expect(rows[0].userAgent).toContain('Slackbot');
  });

  it('a second click answers "already resolved by" the first clicker and changes nothing', async () => {
    const db = t().db;
    const ana = await person(db, 'Ana Lee', 'engineer', true);
    const bo = await person(db, 'Bo Chen', 'admin', true);
    const { message, pauseId } = await pausedMessage(db, fake());
    const first = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: ana.slackUserId, secret: SECRET });
    expect((await send(first)).status).toBe(200);
    await fake().waitFor(first.responsePath);
    const second = fake().signClick({ message, actionId: 'flightdeck.abort', slackUserId: bo.slackUserId, secret: SECRET });
    expect((await send(second)).status).toBe(200);
    const update = (await fake().waitFor(second.responsePath)).body;
    expect(update.text).toMatch(/^Already resolved by Ana Lee: Resumed by Ana Lee at /);
    expect((await pauseRow(db, pauseId)).resolution).toBe('resumed');
    const trail = await db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pauseId));
    expect(trail.filter((a) => ['resumed', 'aborted'].includes(a.action))).toHaveLength(1);
  });

  it('a Slack click and a browser click at the same moment: one winner, the other told who won', async () => {
    const db = t().db;
    const ana = await person(db, 'Ana Lee', 'engineer', true);
    const bo = await person(db, 'Bo Chen', 'engineer', false);
    for (let round = 0; round < 3; round++) {
      const { message, pauseId } = await pausedMessage(db, fake());
      const click = fake().signClick({ message, actionId: 'flightdeck.abort', slackUserId: ana.slackUserId, secret: SECRET });
      const [res, browser] = await Promise.all([send(click), resumeSession(db, { pausedSessionId: pauseId, note: 'ship it' }, bo.actor)]);
      expect(res.status).toBe(200);
      const update = (await fake().waitFor(click.responsePath)).body;
      const pause = await pauseRow(db, pauseId);
      if (browser.ok) {
        expect(pause.resolution).toBe('resumed');
        expect(update.text).toMatch(/^Already resolved by Bo Chen: Resumed by Bo Chen at .* — note: ship it$/);
      } else {
        expect(pause.resolution).toBe('aborted');
        expect(browser.message).toContain(`already aborted by ${ana.email}`);
        expect(update.text).toMatch(/^Aborted by Ana Lee at /);
      }
      const trail = await db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, pauseId));
      expect(trail.filter((a) => ['resumed', 'aborted'].includes(a.action))).toHaveLength(1);
    }
  });
});
