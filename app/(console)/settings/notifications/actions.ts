'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/log';
import { guardedAction, requestMeta, type ActionResult, type ActorOf } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { env } from '@/lib/env';
import { linkSlackUser, slackLinkAnswer, slackLinkFieldSchema } from '@/lib/auth/slack-link';
import { getDb, type Db } from '@/lib/db/client';
import { pauseTypes } from '@/lib/db/schema/enums';
import {
  deleteNotificationPreference,
  rotateWebhookSecret,
  saveNotificationPreference,
} from '@/lib/interventions/notifications';

const list = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const preferenceSchema = z
  .object({
    id: z
      .string()
      .optional()
      .transform((v) => v || null)
      .pipe(z.string().uuid().nullable()),
    channel: z.enum(['in_app', 'webhook', 'slack']),
    targetUrl: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || null),
    'pauseTypes[]': list(z.enum(pauseTypes)),
    projects: z
      .string()
      .optional()
      .transform((v) => [...new Set((v ?? '').split(',').map((p) => p.trim()).filter(Boolean))].slice(0, 50)),
    enabled: z
      .string()
      .optional()
      .transform((v) => v === 'on' || v === 'true'),
  })
  .superRefine((v, ctx) => {
    if (v.channel === 'in_app') return;
    if (!v.targetUrl) return ctx.addIssue({ code: 'custom', path: ['targetUrl'], message: 'A webhook needs a URL' });
    try {
      const u = new URL(v.targetUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    } catch {
      ctx.addIssue({ code: 'custom', path: ['targetUrl'], message: 'Enter an http(s) URL' });
    }
  });

/** A webhook makes the server call a URL the user chose: that needs `notifications:webhook`, refused and audited. */
async function refuseWebhook(db: Db, user: ActorOf<'user'>): Promise<ActionResult<{ secret: string }>> {
  await recordAudit(db, {
    actor: user,
    action: 'notification.webhook',
    outcome: 'denied',
    ...(await requestMeta()),
    details: { permission: 'notifications:webhook' },
  });
  return { error: `Your role (${user.role}) is not allowed to add webhooks.` };
}

/**
 * Saves one of the caller's own rules. A rule that becomes a webhook returns its new signing secret in `data`,
 * the only time it is readable; a URL the outbound client refuses is a field error naming the address.
 */
export const savePreferenceAction = guardedAction('notifications:manage-own', preferenceSchema, async (input, user) => {
  const db = await getDb();
  // A Slack rule also makes the server call a URL the user chose: the same permission as a webhook.
  if (input.channel !== 'in_app' && !can(user.role, 'notifications:webhook')) return refuseWebhook(db, user);
  const r = await saveNotificationPreference(db, {
    userId: user.id,
    id: input.id,
    channel: input.channel,
    targetUrl: input.targetUrl,
    pauseTypes: input['pauseTypes[]'],
    projects: input.projects,
    enabled: input.enabled,
  });
  if (!r.ok && r.reason === 'refused_target') {
    return { error: 'Please correct the highlighted fields.', fieldErrors: { targetUrl: [r.message] } };
  }
  if (!r.ok) return { error: 'That rule no longer exists.' };
  revalidatePath('/settings/notifications');
  return r.secret ? { ok: true, data: { secret: r.secret } } : { ok: true };
});

const idSchema = z.object({ id: z.string().uuid() });

export const deletePreferenceAction = guardedAction('notifications:manage-own', idSchema, async (input, user) => {
  const ok = await deleteNotificationPreference(await getDb(), { userId: user.id, id: input.id });
  revalidatePath('/settings/notifications');
  return ok ? { ok: true } : { error: 'That rule no longer exists.' };
});

/** A new signing secret, returned once in `data` to show; the old one stops verifying at once. */
export const rotateSecretAction = guardedAction('notifications:webhook', idSchema, async (input, user) => {
  const row = await rotateWebhookSecret(await getDb(), { userId: user.id, id: input.id });
  revalidatePath('/settings/notifications');
  return row ? { ok: true, data: { secret: row.secret } } : { error: 'That webhook no longer exists.' };
});

/** Links the caller's own Slack member ID, so their clicks on Slack buttons act as them (empty unlinks). */
export const linkOwnSlackAction = guardedAction(
  'notifications:manage-own',
  z.object({ slackUserId: slackLinkFieldSchema }),
  async (input, user) => {
    if (!env().SLACK_SELF_LINK) return { error: 'Only an admin can link Slack member IDs here (Settings → Users).' };
    const r = await linkSlackUser(await getDb(), { userId: user.id, slackUserId: input.slackUserId }, user);
    if (r.ok) revalidatePath('/settings/notifications');
    return slackLinkAnswer(r);
  },
  { audit: 'user.slack_link' },
);
