'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { guardedAction, requestMeta } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { setFleetSlackWebhook } from '@/lib/interventions/slack/outbox';

const schema = z.object({
  url: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .pipe(z.url({ protocol: /^https?$/, error: 'Enter an https:// URL (Slack: Incoming Webhooks → Webhook URL)' }).max(2000).nullable()),
});

/** Settings → Integrations: the fleet-wide Slack channel's incoming webhook (empty clears it). */
export const saveSlackWebhookAction = guardedAction(
  'integrations:manage',
  schema,
  async (input, me) => {
    const r = await setFleetSlackWebhook(await getDb(), input, { ...me, ...(await requestMeta()) });
    if (!r.ok) return { error: r.message, fieldErrors: { url: [r.message] } };
    revalidatePath('/settings/integrations');
    return { ok: true };
  },
  { audit: 'integration.slack_webhook' },
);
