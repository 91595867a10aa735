import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { interventionActions, notificationDeliveries, notificationPreferences, notifications, user } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';
import { agent, makeSession } from '@/lib/test/factories';
import { pauseSession } from './commands';
import {
  countUnreadNotifications,
  decodeDeliveryCursor,
  listNotifications,
  listWebhookDeliveries,
  markNotificationsRead,
  listNotificationPreferences,
  rotateWebhookSecret,
  saveNotificationPreference,
  type PreferenceInput,
} from './notifications';
import { decryptWebhookSecret, signWebhook, verifyWebhook } from './webhook-signing';

async function makeUser(db: Db, name: string, role = 'engineer') {
  const id = randomUUID();
  await db.insert(user).values({ id, name, email: `${name}-${id.slice(0, 6)}@example.com`, role });
  return id;
}

async function rule(db: Db, userId: string, r: Partial<PreferenceInput>) {
  const saved = await saveNotificationPreference(db, { userId, channel: 'in_app', pauseTypes: [], projects: [], enabled: true, ...r });
  if (!saved.ok) throw new Error(`preference not saved: ${saved.reason}`);
  return { ...saved.preference, secret: saved.secret };
}

// The tests' receivers listen on 127.0.0.1, which the outbound guard refuses unless the operator allows it.
const previousAllowed = process.env.OUTBOUND_ALLOWED_HOSTS;
beforeAll(() => {
  process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
  resetEnvCache();
});
afterAll(() => {
  process.env.OUTBOUND_ALLOWED_HOSTS = previousAllowed;
  resetEnvCache();
});

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
    // A viewer's webhook rule (saved before webhooks needed a permission) is not fanned out to.
    const viewer = await makeUser(db, 'viewer', 'viewer');
    await db.insert(notificationPreferences).values({ userId: viewer, channel: 'webhook', targetUrl: 'http://127.0.0.1:9/viewer', projects: [project] });

    const session = await makeSession(db, { project });
    const r = await pauseSession(db, { sessionId: session.id, reason: 'Retry limit on deploy', pauseType: 'retry_limit' }, agent);
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
      await pauseSession(db, { sessionId: s.id, reason: `r${i}`, pauseType: 'blocker' }, agent);
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

  it('a webhook secret is returned once, stored only encrypted, and never listed', async () => {
    const db = t().db;
    const me = await makeUser(db, 'secret');
    const hook = await rule(db, me, { channel: 'webhook', targetUrl: 'http://127.0.0.1:9/s' });
    const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.id, hook.id));
    expect(row.legacySecret).toBeNull();
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(row.secretCiphertext).not.toContain(hook.secret!.slice(6));
    expect(decryptWebhookSecret(row.secretCiphertext!, hook.id)).toBe(hook.secret);
    // Bound to its rule: the same ciphertext copied onto another rule does not decrypt.
    expect(decryptWebhookSecret(row.secretCiphertext!, randomUUID())).toBeNull();
    // Saving again keeps the secret and does not return it; the listing never carries it.
    const again = await saveNotificationPreference(db, { id: hook.id, userId: me, channel: 'webhook', targetUrl: 'http://127.0.0.1:9/t', pauseTypes: [], projects: [], enabled: true });
    expect(again).toMatchObject({ ok: true, secret: null });
    const listed = await listNotificationPreferences(db, { userId: me });
    expect(JSON.stringify(listed)).not.toMatch(/whsec_|v1\./);
    expect(listed[0]).toMatchObject({ id: hook.id, hasSecret: true });
    const rotated = await rotateWebhookSecret(db, { userId: me, id: hook.id });
    expect(rotated?.secret).toMatch(/^whsec_/);
    expect(rotated?.secret).not.toBe(hook.secret);
    const [after] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.id, hook.id));
    expect(decryptWebhookSecret(after.secretCiphertext!, hook.id)).toBe(rotated?.secret);
  });

  it('saving a webhook to a private address is refused with the address named, and nothing is written', async () => {
    const db = t().db;
    const me = await makeUser(db, 'ssrf');
    for (const [url, address] of [
      ['http://10.0.0.5/hook', '10.0.0.5'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
      ['http://0x7f000002/', '127.0.0.2'],
      ['http://localhost:5432/', '(127.0.0.1|::1)'],
    ]) {
      const r = await saveNotificationPreference(db, { userId: me, channel: 'webhook', targetUrl: url, pauseTypes: [], projects: [], enabled: true });
      expect(r).toEqual({
        ok: false,
        reason: 'refused_target',
        message: expect.stringMatching(new RegExp(`^address ${address} is private/loopback; allow it with OUTBOUND_ALLOWED_HOSTS$`)),
      });
    }
    expect(await listNotificationPreferences(db, { userId: me })).toEqual([]);
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
    const mine = await rule(db, owner, { channel: 'webhook', targetUrl: 'https://93.184.215.14/a' });
    const theirs = await rule(db, other, { channel: 'webhook', targetUrl: 'https://93.184.215.14/b' });
    // Five deliveries, three of them at the same instant: only the id orders those.
    const at = ['2026-01-01T10:00:00.000001Z', '2026-01-01T11:00:00.000001Z', '2026-01-01T12:00:00.000001Z', '2026-01-01T12:00:00.000001Z', '2026-01-01T12:00:00.000001Z'];
    const ids: number[] = [];
    for (const createdAt of at) {
      const [d] = await db
        .insert(notificationDeliveries)
        .values({ preferenceId: mine.id, targetUrl: 'https://93.184.215.14/a', payload: {}, createdAt: new Date(createdAt) })
        .returning({ id: notificationDeliveries.id });
      ids.push(d.id);
    }
    await db.insert(notificationDeliveries).values({ preferenceId: theirs.id, targetUrl: 'https://93.184.215.14/b', payload: {} });

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

it('a signature covers timestamp, delivery id and body, and goes stale after 5 minutes', () => {
  const body = JSON.stringify({ text: 'hi' });
  const now = Math.floor(Date.now() / 1000);
  const header = signWebhook('whsec_x', { deliveryId: 42, body, timestamp: now });
  expect(header).toMatch(/^t=\d+,id=42,v1=[0-9a-f]{64}$/);
  expect(verifyWebhook('whsec_x', body, header)).toBe('42');
  expect(verifyWebhook('whsec_x', `${body} `, header)).toBeNull();
  expect(verifyWebhook('whsec_y', body, header)).toBeNull();
  expect(verifyWebhook('whsec_x', body, header.replace('id=42', 'id=43'))).toBeNull();
  expect(verifyWebhook('whsec_x', body, header.replace(`t=${now}`, `t=${now + 1}`))).toBeNull();
  expect(verifyWebhook('whsec_x', body, signWebhook('whsec_x', { deliveryId: 42, body, timestamp: now - 301 }))).toBeNull();
  expect(verifyWebhook('whsec_x', body, null)).toBeNull();
});
