import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { interventionActions, notificationDeliveries, notifications, user } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';
import { agent, makeSession } from '@/lib/test/factories';
import { pauseSession } from './commands';
import {
  countUnreadNotifications,
  decodeDeliveryCursor,
  listNotifications,
  listWebhookDeliveries,
  markNotificationsRead,
  saveNotificationPreference,
  signWebhookBody,
  verifyWebhookSignature,
  type PreferenceInput,
} from './notifications';

async function makeUser(db: Db, name: string) {
  const id = randomUUID();
  await db.insert(user).values({ id, name, email: `${name}-${id.slice(0, 6)}@example.com`, role: 'engineer' });
  return id;
}

async function rule(db: Db, userId: string, r: Partial<PreferenceInput>) {
  const saved = await saveNotificationPreference(db, { userId, channel: 'in_app', pauseTypes: [], projects: [], enabled: true, ...r });
  if (!saved.ok) throw new Error('preference not saved');
  return saved.preference;
}

describeEachDb('pause notifications', (t) => {
  it('a pause notifies exactly the users whose enabled rules match its type and project', async () => {
    const db = t().db;
    const project = `proj-${randomUUID().slice(0, 8)}`;
    const everything = await makeUser(db, 'all');
    const blockersOnly = await makeUser(db, 'blockers');
    const thisProject = await makeUser(db, 'proj');
    const otherProject = await makeUser(db, 'other');
    const off = await makeUser(db, 'off');
    const hookOwner = await makeUser(db, 'hook');
    await rule(db, everything, {});
    await rule(db, everything, { pauseTypes: ['retry_limit'] }); // a second matching rule: still one notification
    await rule(db, blockersOnly, { pauseTypes: ['blocker'] });
    await rule(db, thisProject, { projects: [project], pauseTypes: ['retry_limit', 'error'] });
    await rule(db, otherProject, { projects: ['somewhere-else'] });
    await rule(db, off, { enabled: false });
    const hook = await rule(db, hookOwner, { channel: 'webhook', targetUrl: 'http://127.0.0.1:9/hook', projects: [project] });
    expect(hook.secret).toMatch(/^whsec_[0-9a-f]{48}$/);

    const session = await makeSession(db, { project });
    const r = await pauseSession(db, { sessionId: session.id, reason: 'Retry limit on deploy', pauseType: 'retry_limit', actor: agent });
    if (!r.ok) throw new Error(r.reason);

    const got = await db.select().from(notifications).where(eq(notifications.pausedSessionId, r.pause.id));
    expect(got.map((n) => n.userId).sort()).toEqual([everything, thisProject].sort());
    expect(got[0].title).toBe(`${project} / coder paused: retry limit`);
    const outbox = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.pausedSessionId, r.pause.id));
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ targetUrl: 'http://127.0.0.1:9/hook', status: 'pending', attempts: 0 });
    expect(outbox[0].payload).toMatchObject({
      text: expect.stringContaining('Retry limit on deploy'),
      event: 'intervention.paused',
      intervention: { id: r.pause.id, project, pauseType: 'retry_limit' },
    });
    const trail = await db.select().from(interventionActions).where(eq(interventionActions.pausedSessionId, r.pause.id));
    expect(trail.find((a) => a.action === 'notified')?.details).toEqual({ in_app: 2, webhooks: 1 });
  });

  it('the bell counts unread notifications and marking them read clears the count', async () => {
    const db = t().db;
    const me = await makeUser(db, 'me');
    const project = `proj-${randomUUID().slice(0, 8)}`;
    await rule(db, me, { projects: [project] });
    for (let i = 0; i < 3; i++) {
      const s = await makeSession(db, { project });
      await pauseSession(db, { sessionId: s.id, reason: `r${i}`, pauseType: 'blocker', actor: agent });
    }
    expect(await countUnreadNotifications(db, { userId: me })).toBe(3);
    const list = await listNotifications(db, { userId: me });
    expect(list.map((n) => n.body)).toEqual(['r2', 'r1', 'r0']);
    expect(await markNotificationsRead(db, { userId: me, ids: [list[0].id] })).toBe(1);
    expect(await countUnreadNotifications(db, { userId: me })).toBe(2);
    const someoneElse = await makeUser(db, 'else');
    expect(await markNotificationsRead(db, { userId: someoneElse })).toBe(0);
    expect(await markNotificationsRead(db, { userId: me })).toBe(2);
    expect(await countUnreadNotifications(db, { userId: me })).toBe(0);
  });

  it('another user cannot edit my rule', async () => {
    const db = t().db;
    const me = await makeUser(db, 'owner');
    const other = await makeUser(db, 'intruder');
    const mine = await rule(db, me, {});
    expect(await saveNotificationPreference(db, { id: mine.id, userId: other, channel: 'in_app', pauseTypes: [], projects: [], enabled: false })).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('the webhook delivery log pages newest first by keyset, rows sharing a timestamp included, and only the owner’s', async () => {
    const db = t().db;
    const owner = await makeUser(db, 'log');
    const other = await makeUser(db, 'other-log');
    const mine = await rule(db, owner, { channel: 'webhook', targetUrl: 'https://hooks.example.com/a' });
    const theirs = await rule(db, other, { channel: 'webhook', targetUrl: 'https://hooks.example.com/b' });
    // Five deliveries, three of them at the same instant: only the id orders those.
    const at = ['2026-01-01T10:00:00.000001Z', '2026-01-01T11:00:00.000001Z', '2026-01-01T12:00:00.000001Z', '2026-01-01T12:00:00.000001Z', '2026-01-01T12:00:00.000001Z'];
    const ids: number[] = [];
    for (const createdAt of at) {
      const [d] = await db
        .insert(notificationDeliveries)
        .values({ preferenceId: mine.id, targetUrl: 'https://hooks.example.com/a', payload: {}, createdAt: new Date(createdAt) })
        .returning({ id: notificationDeliveries.id });
      ids.push(d.id);
    }
    await db.insert(notificationDeliveries).values({ preferenceId: theirs.id, targetUrl: 'https://hooks.example.com/b', payload: {} });

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listWebhookDeliveries>> = await listWebhookDeliveries(db, { userId: owner, limit: 2, cursor: decodeDeliveryCursor(cursor) });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(decodeDeliveryCursor('not-a-cursor')).toBeNull();
  });
});

it('signatures verify against the raw body only', () => {
  const body = JSON.stringify({ text: 'hi' });
  const sig = signWebhookBody('whsec_x', body);
  expect(verifyWebhookSignature('whsec_x', body, sig)).toBe(true);
  expect(verifyWebhookSignature('whsec_x', `${body} `, sig)).toBe(false);
  expect(verifyWebhookSignature('whsec_y', body, sig)).toBe(false);
  expect(verifyWebhookSignature('whsec_x', body, null)).toBe(false);
});
