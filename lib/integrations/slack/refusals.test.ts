import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setDbHandleForTests } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';
import { pausedMessage, pauseRow, person, SECRET, send, withFakeSlack, writes } from '@/lib/test/slack-kit';
import { slackSignature } from './verify';

/** Every way a Slack interaction is refused: nothing about the pause changes, and nothing is half-written. */
const fake = withFakeSlack();

describeEachDb('Slack interaction refusals', (t) => {
  beforeAll(() => setDbHandleForTests(t().handle));
  afterAll(() => setDbHandleForTests(undefined));

  async function setup() {
    const ana = await person(t().db, 'Ana Lee', 'engineer', true);
    const { message, pauseId } = await pausedMessage(t().db, fake());
    return { ana, message, pauseId };
  }

  it('a bad signature, a signature with another secret, a missing one or a stale timestamp: 401, nothing written', async () => {
    const db = t().db;
    const { ana, message, pauseId } = await setup();
    const ok = () => fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: ana.slackUserId, secret: SECRET });
    const forged = ok();
    forged.headers['x-slack-signature'] = `v0=${'0'.repeat(64)}`;
    const otherSecret = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: ana.slackUserId, secret: 'not-the-secret' });
    const missing = ok();
    delete (missing.headers as Record<string, string | undefined>)['x-slack-signature'];
    const tampered = ok();
    tampered.body = tampered.body.replace('flightdeck.resume', 'flightdeck.abort');
    const now = Math.floor(Date.now() / 1000);
    const stale = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: ana.slackUserId, secret: SECRET, timestamp: now - 301 });
    // A minute past the 5-minute window: `now` is read before the requests, and on a busy machine a second or more
    // passes before the server checks, which brought now + 301 back inside the window (a 200 seen under load).
    const future = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: ana.slackUserId, secret: SECRET, timestamp: now + 360 });
    const before = await writes(db);
    for (const [name, req] of Object.entries({ forged, otherSecret, missing, tampered, stale, future })) {
      const res = await send(req);
      expect(res.status, name).toBe(401);
      expect((await res.json()).error.message, name).toMatch(name === 'stale' || name === 'future' ? /within 5 minutes/ : /Invalid Slack signature/);
    }
    expect(await writes(db)).toEqual(before);
    expect((await pauseRow(db, pauseId)).resolved).toBe(false);
    // The same click, freshly signed, still works: the refusals changed nothing.
    const good = ok();
    expect((await send(good)).status).toBe(200);
    expect((await fake().waitFor(good.responsePath)).body.text).toMatch(/^Resumed by Ana Lee/);
  });

  it('a replayed request (same body, same signature) is refused with 401 and acts once', async () => {
    const db = t().db;
    const { ana, message, pauseId } = await setup();
    const click = fake().signClick({ message, actionId: 'flightdeck.abort', slackUserId: ana.slackUserId, secret: SECRET });
    expect((await send(click)).status).toBe(200);
    await fake().waitFor(click.responsePath);
    const before = await writes(db);
    const again = await send(click);
    expect(again.status).toBe(401);
    expect((await again.json()).error.message).toMatch(/already received/);
    expect(await writes(db)).toEqual(before);
    expect(fake().received.filter((r) => r.path === click.responsePath)).toHaveLength(1);
    expect((await pauseRow(db, pauseId)).resolution).toBe('aborted');
  });

  it('an unlinked Slack user gets an ephemeral explanation and nothing happens', async () => {
    const db = t().db;
    const { message, pauseId } = await setup();
    const click = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: 'U0NOBODY42', secret: SECRET });
    const res = await send(click);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(body.text).toMatch(/U0NOBODY42\) is not linked to a Flightdeck user/);
    expect((await fake().waitFor(click.responsePath)).body).toEqual(body);
    expect((await pauseRow(db, pauseId)).resolved).toBe(false);
  });

  it('a viewer (or a deactivated user) is refused with an ephemeral explanation; the refusal is audited as denied', async () => {
    const db = t().db;
    const { message, pauseId } = await setup();
    const vic = await person(db, 'Vic Viewer', 'viewer', true);
    const click = fake().signClick({ message, actionId: 'flightdeck.restore', slackUserId: vic.slackUserId, secret: SECRET });
    const res = await send(click);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/role \(viewer\) may not restore/) });
    expect((await fake().waitFor(click.responsePath)).body.response_type).toBe('ephemeral');
    expect((await pauseRow(db, pauseId)).resolved).toBe(false);
    const rows = await db.select().from(auditLog).where(eq(auditLog.targetId, pauseId));
    expect(rows.map((r) => [r.action, r.outcome, r.actorLabel, (r.details as { via: string }).via])).toEqual([
      ['intervention.restore', 'denied', vic.email, 'slack'],
    ]);

    const gone = await person(db, 'Gus Gone', 'engineer', true);
    await db.execute(`UPDATE "user" SET banned = true WHERE id = '${gone.id}'`);
    const banned = fake().signClick({ message, actionId: 'flightdeck.resume', slackUserId: gone.slackUserId, secret: SECRET });
    expect((await (await send(banned)).json()).text).toMatch(/not linked/);
    expect((await pauseRow(db, pauseId)).resolved).toBe(false);
  });

  it('a malformed payload, validly signed, is a 400 naming the field and writes nothing', async () => {
    const db = t().db;
    const { ana, pauseId } = await setup();
    const payload = (over: Record<string, unknown>) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: ana.slackUserId },
          response_url: `${fake().base}/response/malformed`,
          actions: [{ action_id: 'flightdeck.resume', value: pauseId }],
          ...over,
        }),
      }).toString();
    const cases: [string, string, string][] = [
      ['payload=%7Bnot-json', 'application/x-www-form-urlencoded', 'payload'],
      ['nothing=here', 'application/x-www-form-urlencoded', 'payload'],
      [payload({ type: 'view_submission' }), 'application/x-www-form-urlencoded', 'payload.type'],
      [payload({ actions: [] }), 'application/x-www-form-urlencoded', 'payload.actions'],
      [payload({ actions: [{ action_id: 'flightdeck.resume', value: 'DROP TABLE' }] }), 'application/x-www-form-urlencoded', 'payload.actions.0.value'],
      [payload({ actions: [{ action_id: 'something.else', value: pauseId }] }), 'application/x-www-form-urlencoded', 'payload.actions.0.action_id'],
      [payload({ user: { id: 'not-a-member' } }), 'application/x-www-form-urlencoded', 'payload.user.id'],
      [payload({ response_url: 'javascript:alert(1)' }), 'application/x-www-form-urlencoded', 'payload.response_url'],
      [payload({}), 'application/json', 'content-type'],
    ];
    const before = await writes(db);
    for (const [body, type, field] of cases) {
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await send({
        body,
        headers: { 'content-type': type, 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SECRET, ts, body) },
      });
      expect(res.status, field).toBe(400);
      expect((await res.json()).error.fields[0].path, body).toBe(field);
    }
    expect(await writes(db)).toEqual(before);
    expect((await pauseRow(db, pauseId)).resolved).toBe(false);
    expect(fake().received.some((r) => r.path === '/response/malformed')).toBe(false);
  });
});
