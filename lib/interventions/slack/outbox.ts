import { eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { queryRows, type Db } from '@/lib/db/client';
import { integrationSettings, notificationDeliveries } from '@/lib/db/schema';
import { env } from '@/lib/env';
import type { PauseNotice } from '@/lib/interventions/notifications';
import { checkOutboundTarget, OutboundError } from '@/lib/net/outbound';
import { buildSlackPauseMessage, updateMessage } from './messages';

/**
 * Slack destinations in the durable outbox (notification_deliveries, channel 'slack'): a person's Slack rule
 * (Settings → Notifications) and the fleet-wide channel (SLACK_WEBHOOK_URL, else Settings → Integrations; its rows
 * have no preference). Only rows are inserted here, inside the caller's transaction; the delivery worker
 * (lib/interventions/webhooks.ts) POSTs them through the guarded client with retries and logs each attempt.
 */
export const SLACK_WEBHOOK_SETTING = 'slack.webhook_url';

export type FleetSlackWebhook = { url: string | null; source: 'env' | 'settings' | null };

export async function fleetSlackWebhook(db: Db): Promise<FleetSlackWebhook> {
  const fromEnv = env().SLACK_WEBHOOK_URL;
  if (fromEnv) return { url: fromEnv, source: 'env' };
  const [row] = await db.select().from(integrationSettings).where(eq(integrationSettings.key, SLACK_WEBHOOK_SETTING));
  return row ? { url: row.value, source: 'settings' } : { url: null, source: null };
}

export type SetFleetWebhookResult =
  | { ok: true }
  | { ok: false; reason: 'managed_by_env' | 'refused_target'; message: string };

/** Checks a Slack URL as the worker will: https (or an allowed host), public address, never link-local. */
export async function refuseSlackTarget(url: string): Promise<string | null> {
  try {
    await checkOutboundTarget(url, { strict: true });
    return null;
  } catch (err) {
    if (err instanceof OutboundError) return err.message;
    throw err;
  }
}

/** Settings → Integrations: sets (or, with null, clears) the fleet-wide Slack incoming webhook. */
export async function setFleetSlackWebhook(db: Db, input: { url: string | null }, actor: Actor): Promise<SetFleetWebhookResult> {
  if (env().SLACK_WEBHOOK_URL) {
    return { ok: false, reason: 'managed_by_env', message: 'SLACK_WEBHOOK_URL is set on the server; change it there.' };
  }
  const refused = input.url ? await refuseSlackTarget(input.url) : null;
  if (refused) return { ok: false, reason: 'refused_target', message: refused };
  await db.transaction(async (tx) => {
    if (input.url) {
      await tx
        .insert(integrationSettings)
        .values({ key: SLACK_WEBHOOK_SETTING, value: input.url, updatedBy: actor.id })
        .onConflictDoUpdate({ target: integrationSettings.key, set: { value: input.url, updatedBy: actor.id, updatedAt: sql`now()` } });
    } else {
      await tx.delete(integrationSettings).where(eq(integrationSettings.key, SLACK_WEBHOOK_SETTING));
    }
    await recordAudit(tx, {
      actor,
      action: 'integration.slack_webhook',
      targetType: 'integration',
      targetId: 'slack',
      outcome: 'success',
      // The URL is a credential (anyone holding it can post): the audit keeps only its host.
      details: { set: Boolean(input.url), host: input.url ? new URL(input.url).host : null },
    });
  });
  return { ok: true };
}

/** Outbox rows for a new pause: one per matching Slack rule plus the fleet channel. Returns how many. */
export async function enqueueSlackPause(tx: Db, n: PauseNotice, rules: { id: string; target_url: string }[]) {
  const fleet = await fleetSlackWebhook(tx);
  const targets = [
    ...rules.map((r) => ({ preferenceId: r.id as string | null, targetUrl: r.target_url })),
    ...(fleet.url ? [{ preferenceId: null, targetUrl: fleet.url }] : []),
  ];
  if (!targets.length) return 0;
  const payload = buildSlackPauseMessage(n);
  await tx
    .insert(notificationDeliveries)
    .values(targets.map((t) => ({ ...t, pausedSessionId: n.pause.id, channel: 'slack' as const, payload })));
  return targets.length;
}

/**
 * Posts a follow-up about a pause (an escalation step, an outcome decided in the browser…) to every Slack
 * destination that received the pause's message, through the outbox. Slack's incoming webhooks cannot reply in a
 * thread (that needs a bot token and chat.postMessage), so the update is a new message in the same channel.
 * Returns the number of deliveries queued. Callable inside a command's transaction (pass `tx`).
 */
export async function postSlackUpdate(db: Db, input: { pausedSessionId: string; text: string }): Promise<number> {
  const destinations = await queryRows<{ preference_id: string | null; target_url: string }>(
    db,
    sql`SELECT DISTINCT preference_id, target_url FROM notification_deliveries
        WHERE paused_session_id = ${input.pausedSessionId} AND channel = 'slack'`,
  );
  if (!destinations.length) return 0;
  const payload = updateMessage(input.text);
  await db.insert(notificationDeliveries).values(
    destinations.map((d) => ({
      preferenceId: d.preference_id,
      pausedSessionId: input.pausedSessionId,
      targetUrl: d.target_url,
      channel: 'slack' as const,
      payload,
    })),
  );
  return destinations.length;
}

/** The fleet channel's delivery log (Settings → Integrations), newest first. */
export async function listFleetDeliveries(db: Db, limit = 30) {
  return queryRows<{ id: number; status: string; attempts: number; last_status_code: number | null; last_error: string | null; created_at: Date; delivered_at: Date | null; next_attempt_at: Date }>(
    db,
    sql`SELECT id, status, attempts, last_status_code, last_error, created_at, delivered_at, next_attempt_at FROM notification_deliveries
        WHERE preference_id IS NULL ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
  );
}
