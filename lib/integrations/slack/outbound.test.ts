import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notificationDeliveries, user } from '@/lib/db/schema';
import { resetEnvCache } from '@/lib/env';
import { saveNotificationPreference } from '@/lib/interventions/notifications';
import { deliverDueWebhooks, REFUSED_ERROR } from '@/lib/interventions/webhooks';
import { checkOutboundTarget } from '@/lib/net/outbound';
import { describeEachDb } from '@/lib/test/db';
import { pausedMessage, slackEnv, withFakeSlack } from '@/lib/test/slack-kit';
import { postSlackUpdate, setFleetSlackWebhook } from '@/lib/interventions/slack/outbox';
import { postToResponseUrl } from './respond';

/** Slack URLs (incoming webhooks, response_url) are called only on https or allowed hosts, never link-local. */
const fake = withFakeSlack();

it('strict targets: http only for allowed hosts; link-local and metadata refused even when allowed', async () => {
  await expect(checkOutboundTarget('http://93.184.216.34/hook', { strict: true })).rejects.toThrow(/only https/);
  await expect(checkOutboundTarget('http://127.0.0.1:9/hook', { strict: true })).resolves.toMatchObject({ address: '127.0.0.1' });
  const allowMetadata = ['169.254.169.254', 'fe80::1'];
  await expect(checkOutboundTarget('http://169.254.169.254/latest', { strict: true, allowedHosts: allowMetadata })).rejects.toThrow(
    /169\.254\.169\.254 is private/,
  );
  await expect(checkOutboundTarget('https://[fe80::1]/x', { strict: true, allowedHosts: allowMetadata })).rejects.toThrow(/private/);
  await expect(checkOutboundTarget('https://10.0.0.5/x', { strict: true })).rejects.toThrow(/private/);
  // Outside strict mode an operator's allow-list is honoured as before.
  await expect(checkOutboundTarget('http://169.254.169.254/latest', { allowedHosts: allowMetadata })).resolves.toBeTruthy();
});

it('a response_url on a metadata address or plain http is never called', async () => {
  const started = Date.now();
  expect(await postToResponseUrl('http://169.254.169.254/latest/meta-data', { text: 'x' })).toBe(false);
  expect(await postToResponseUrl('http://93.184.216.34/response', { text: 'x' })).toBe(false);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(await postToResponseUrl(`${fake().base}/response/allowed`, { text: 'x' })).toBe(true);
  expect((await fake().waitFor('/response/allowed')).body).toEqual({ text: 'x' });
});

describeEachDb('Slack destinations in the outbox', (t) => {
  it('a person’s Slack rule must be https (or allowed); it receives the Block Kit message, unsigned', async () => {
    const db = t().db;
    const userId = randomUUID();
    await db.insert(user).values({ id: userId, name: 'Ana', email: `ana-${userId}@example.com`, role: 'engineer' });
    const rule = { userId, channel: 'slack' as const, pauseTypes: [], projects: [], enabled: true };
    const refused = await saveNotificationPreference(db, { ...rule, targetUrl: 'http://93.184.216.34/services/T/B/x' });
    expect(refused).toMatchObject({ ok: false, reason: 'refused_target', message: expect.stringMatching(/only https/) });
    const saved = await saveNotificationPreference(db, { ...rule, targetUrl: `${fake().base}/webhook/ana` });
    expect(saved).toMatchObject({ ok: true, secret: null });
    await pausedMessage(db, fake());
    const mine = await fake().waitFor('/webhook/ana');
    expect(fake().buttons(mine.body).map((b) => b.action_id)).toContain('flightdeck.resume');
  });

  it('the fleet channel on a metadata address fails at once as refused; an update is queued to where the pause went', async () => {
    const db = t().db;
    const { pauseId } = await pausedMessage(db, fake());
    expect(await postSlackUpdate(db, { pausedSessionId: pauseId, text: 'Escalated to the on-call lead' })).toBeGreaterThanOrEqual(1);
    const before = fake().received.length;
    await deliverDueWebhooks(db);
    const update = await fake().waitFor('/webhook/fleet', 5_000, fake().received.filter((r) => r.path === '/webhook/fleet').length);
    expect(fake().received.length).toBeGreaterThan(before);
    expect(update.body.text).toBe('Escalated to the on-call lead');

    process.env.SLACK_WEBHOOK_URL = 'http://169.254.169.254/latest/hook';
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1,169.254.169.254';
    resetEnvCache();
    try {
      const admin = { kind: 'system' as const, id: 'test', name: 'test', via: 'job' as const };
      expect(await setFleetSlackWebhook(db, { url: 'https://hooks.example.com/x' }, admin)).toMatchObject({ reason: 'managed_by_env' });
      // pausedMessage runs the worker once; its delivery to the metadata address must fail at once, as refused.
      await expect(pausedMessage(db, fake())).rejects.toThrow();
      const [row] = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.targetUrl, 'http://169.254.169.254/latest/hook'));
      expect(row).toMatchObject({ status: 'failed', lastError: REFUSED_ERROR, lastStatusCode: null, attempts: 1, channel: 'slack' });
    } finally {
      slackEnv(fake());
    }
  });
});
