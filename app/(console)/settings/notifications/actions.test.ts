import { actionState } from '@/lib/test/action-mocks';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditLog, notificationPreferences, user } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';

/** Settings → Notifications actions as each role: who may add a webhook, and what a refused target answers. */
const state = actionState;

const { savePreferenceAction, rotateSecretAction, linkOwnSlackAction } = await import('./actions');

const previousAllowed = process.env.OUTBOUND_ALLOWED_HOSTS;
beforeAll(() => {
  process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
  resetEnvCache();
});
afterAll(() => {
  process.env.OUTBOUND_ALLOWED_HOSTS = previousAllowed;
  resetEnvCache();
});

function form(values: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) fd.set(k, v);
  return fd;
}

describeEachDb('notification settings actions', (t) => {
  const ids: Partial<Record<Role, string>> = {};
  beforeAll(async () => {
    state.db = t().db;
    for (const role of ['viewer', 'engineer'] as const) {
      ids[role] = randomUUID();
      await t().db.insert(user).values({ id: ids[role], name: role, email: `${role}-hooks@example.com`, role });
    }
  });
  const actAs = (role: Role) => {
    state.session = { user: { id: ids[role], email: `${role}-hooks@example.com`, name: role, role }, session: {} };
  };
  const rulesOf = (role: Role) => t().db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, ids[role]!));

  it('a viewer cannot save a webhook (refused, audited, nothing written) but keeps in-app rules', async () => {
    actAs('viewer');
    const r = await savePreferenceAction({}, form({ channel: 'webhook', targetUrl: 'http://127.0.0.1:9/hook' }));
    expect(r).toEqual({ error: 'Your role (viewer) is not allowed to add webhooks.' });
    expect(await rulesOf('viewer')).toEqual([]);
    const denied = await t()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, ids.viewer!), eq(auditLog.action, 'notification.webhook'), eq(auditLog.outcome, 'denied')));
    expect(denied).toHaveLength(1);
    expect(await savePreferenceAction({}, form({ channel: 'in_app' }))).toEqual({ ok: true });
    const [inApp] = await rulesOf('viewer');
    expect((await rotateSecretAction({ id: inApp.id })).error).toMatch(/not allowed/);
  });

  it('an engineer saving a private target gets a field error naming the address; an allowed one returns the secret once', async () => {
    actAs('engineer');
    const refused = await savePreferenceAction({}, form({ channel: 'webhook', targetUrl: 'http://169.254.169.254/latest/meta-data/' }));
    expect(refused).toEqual({
      error: 'Please correct the highlighted fields.',
      fieldErrors: { targetUrl: ['address 169.254.169.254 is private/loopback; allow it with OUTBOUND_ALLOWED_HOSTS'] },
    });
    expect(await rulesOf('engineer')).toEqual([]);

    const saved = await savePreferenceAction({}, form({ channel: 'webhook', targetUrl: 'http://127.0.0.1:9/hook' }));
    expect(saved).toEqual({ ok: true, data: { secret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/) } });
    const [rule] = await rulesOf('engineer');
    expect(await savePreferenceAction({}, form({ id: rule.id, channel: 'webhook', targetUrl: 'http://127.0.0.1:9/other' }))).toEqual({ ok: true });
    const rotated = await rotateSecretAction({ id: rule.id });
    expect(rotated.data?.secret).toMatch(/^whsec_/);
    expect(rotated.data?.secret).not.toBe(saved.data?.secret);
  });

  it('links the own Slack member ID, and with SLACK_SELF_LINK=0 only an admin can (nothing written)', async () => {
    actAs('engineer');
    const slackOf = async () => (await t().db.select({ s: user.slackUserId }).from(user).where(eq(user.id, ids.engineer!)))[0].s;
    expect((await linkOwnSlackAction({}, form({ slackUserId: 'U0SELF1' }))).ok).toBe(true);
    expect(await slackOf()).toBe('U0SELF1');
    process.env.SLACK_SELF_LINK = '0';
    resetEnvCache();
    try {
      expect(await linkOwnSlackAction({}, form({ slackUserId: 'U0OTHER2' }))).toEqual({ error: 'Only an admin can link Slack member IDs here (Settings → Users).' });
      expect(await slackOf()).toBe('U0SELF1');
    } finally {
      delete process.env.SLACK_SELF_LINK;
      resetEnvCache();
    }
  });
});
