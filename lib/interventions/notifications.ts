import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { permissionTable } from '@/lib/auth/permissions';
import { queryRows, type Db } from '@/lib/db/client';
import {
  notificationDeliveries,
  notificationPreferences,
  notifications,
  type NotificationPreference,
  type PausedSession,
} from '@/lib/db/schema';
import type { PauseType } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import { enqueueSlackPause } from '@/lib/interventions/slack/outbox';
import { checkOutboundTarget, OutboundError } from '@/lib/net/outbound';
import { encryptWebhookSecret, generateWebhookSecret } from './webhook-signing';

/**
 * Who hears about a pause, and how. `fanOutPauseNotifications` runs inside pauseSession's transaction and only
 * inserts rows (in-app notifications and webhook outbox rows), so a dead or slow webhook can never delay or fail a
 * pause; the delivery worker (./webhooks.ts) does the HTTP later.
 */
export type PauseNotice = {
  pause: Pick<PausedSession, 'id' | 'sessionId' | 'reason' | 'pauseType' | 'currentTask' | 'pausedAt' | 'context'>;
  project: string;
  agentName: string;
};

/** Slack-compatible body (`text` + `blocks`) with the structured fields a program wants beside them. */
export function buildWebhookPayload(n: PauseNotice) {
  const base = env().APP_URL;
  const url = base ? `${base.replace(/\/$/, '')}/interventions?project=${encodeURIComponent(n.project)}` : null;
  const type = n.pause.pauseType.replace(/_/g, ' ');
  const text = `⏸ ${n.project} / ${n.agentName} paused (${type}): ${n.pause.reason}`;
  const lastError = n.pause.context?.last_error;
  const fields = [
    `*Project*\n${n.project}`,
    `*Agent*\n${n.agentName}`,
    `*Type*\n${type}`,
    `*Task*\n${n.pause.currentTask ?? '—'}`,
  ];
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) },
      ...(lastError ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Last error: \`${lastError.slice(0, 500)}\`` }] }] : []),
      ...(url ? [{ type: 'section', text: { type: 'mrkdwn', text: `<${url}|Open in Flightdeck>` } }] : []),
    ],
    event: 'intervention.paused',
    intervention: {
      id: n.pause.id,
      sessionId: n.pause.sessionId,
      project: n.project,
      agent: n.agentName,
      pauseType: n.pause.pauseType,
      reason: n.pause.reason,
      currentTask: n.pause.currentTask,
      lastError: lastError ?? null,
      pausedAt: new Date(n.pause.pausedAt).toISOString(),
      url,
    },
  };
}

/** Inserts the in-app notifications and webhook outbox rows for a new pause; returns how many of each. */
export async function fanOutPauseNotifications(tx: Db, n: PauseNotice) {
  // A webhook rule counts only while its owner may still have one (a role lowered since it was saved).
  const webhookRoles = sql.join(permissionTable['notifications:webhook'].map((r) => sql`${r}`), sql`, `);
  const prefs = await queryRows<{ id: string; user_id: string; channel: string; target_url: string | null }>(
    tx,
    sql`SELECT p.id, p.user_id, p.channel, p.target_url FROM notification_preferences p JOIN "user" u ON u.id = p.user_id
        WHERE p.enabled
          AND (p.channel = 'in_app' OR u.role IN (${webhookRoles}))
          AND (cardinality(p.pause_types) = 0 OR ${n.pause.pauseType} = ANY(p.pause_types))
          AND (cardinality(p.projects) = 0 OR ${n.project} = ANY(p.projects))
        ORDER BY p.created_at, p.id`,
  );
  // One in-app notification per person even when several of their rules match.
  const inAppUsers = [...new Set(prefs.filter((p) => p.channel === 'in_app').map((p) => p.user_id))];
  const hooks = prefs.filter((p) => p.channel === 'webhook' && p.target_url);
  const slackRules = prefs.filter((p) => p.channel === 'slack' && p.target_url) as { id: string; target_url: string }[];
  if (inAppUsers.length) {
    const title = `${n.project} / ${n.agentName} paused: ${n.pause.pauseType.replace(/_/g, ' ')}`;
    await tx.insert(notifications).values(
      inAppUsers.map((userId) => ({ userId, pausedSessionId: n.pause.id, title, body: n.pause.reason })),
    );
  }
  if (hooks.length) {
    const payload = buildWebhookPayload(n);
    await tx.insert(notificationDeliveries).values(
      hooks.map((h) => ({ preferenceId: h.id, pausedSessionId: n.pause.id, targetUrl: h.target_url!, payload })),
    );
  }
  // Slack rules and the fleet-wide Slack channel: Block Kit with buttons, same outbox (lib/integrations/slack).
  const slack = await enqueueSlackPause(tx, n, slackRules);
  return { inApp: inAppUsers.length, webhooks: hooks.length, slack };
}

// ---- preferences (Settings → Notifications) ----

export async function listNotificationPreferences(db: Db, input: { userId: string }): Promise<PreferenceSummary[]> {
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, input.userId))
    .orderBy(notificationPreferences.createdAt);
  return rows.map(summarize);
}

export type PreferenceInput = {
  userId: string;
  id?: string | null;
  channel: 'in_app' | 'webhook' | 'slack';
  targetUrl?: string | null;
  pauseTypes: PauseType[];
  projects: string[];
  enabled: boolean;
};

/** A rule as its owner's page may see it: never the secret, not even encrypted. */
export type PreferenceSummary = Omit<NotificationPreference, 'secretCiphertext' | 'legacySecret'> & { hasSecret: boolean };

function summarize({ secretCiphertext, legacySecret, ...rest }: NotificationPreference): PreferenceSummary {
  return { ...rest, hasSecret: Boolean(secretCiphertext ?? legacySecret) };
}

export type SavePreferenceResult =
  /** `secret`: only when this save created one (a new webhook rule): show it now, it is never readable again. */
  | { ok: true; preference: PreferenceSummary; secret: string | null }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'refused_target'; message: string };

/**
 * Refuses a webhook URL the outbound client would refuse (private, loopback, unresolvable…), with the reason to
 * show beside the field. The delivery worker checks again at send time: DNS can change after saving.
 */
async function refuseTarget(input: PreferenceInput) {
  if (input.channel === 'in_app' || !input.targetUrl) return null;
  try {
    // A Slack URL is held to Slack's rule: https (or an allowed host), never link-local.
    await checkOutboundTarget(input.targetUrl, { strict: input.channel === 'slack' });
    return null;
  } catch (err) {
    if (err instanceof OutboundError) return { ok: false as const, reason: 'refused_target' as const, message: err.message };
    throw err;
  }
}

/** Creates or updates one of the user's own rules; a rule that becomes a webhook gets a fresh secret. */
export async function saveNotificationPreference(db: Db, input: PreferenceInput): Promise<SavePreferenceResult> {
  const refused = await refuseTarget(input);
  if (refused) return refused;
  const values = {
    channel: input.channel,
    targetUrl: input.channel === 'in_app' ? null : (input.targetUrl ?? null),
    pauseTypes: input.pauseTypes,
    projects: input.projects,
    enabled: input.enabled,
  };
  if (input.id) {
    const [existing] = await db
      .select()
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.id, input.id), eq(notificationPreferences.userId, input.userId)));
    if (!existing) return { ok: false, reason: 'not_found' };
    const keep = values.channel === 'webhook' && Boolean(existing.secretCiphertext ?? existing.legacySecret);
    const secret = values.channel === 'webhook' && !keep ? generateWebhookSecret() : null;
    const [preference] = await db
      .update(notificationPreferences)
      .set({
        ...values,
        ...(keep ? {} : { secretCiphertext: secret && encryptWebhookSecret(secret, existing.id), legacySecret: null }),
        updatedAt: sql`now()`,
      })
      .where(eq(notificationPreferences.id, existing.id))
      .returning();
    return { ok: true, preference: summarize(preference), secret };
  }
  const id = randomUUID();
  const secret = values.channel === 'webhook' ? generateWebhookSecret() : null;
  const [preference] = await db
    .insert(notificationPreferences)
    .values({ ...values, id, userId: input.userId, secretCiphertext: secret && encryptWebhookSecret(secret, id) })
    .returning();
  return { ok: true, preference: summarize(preference), secret };
}

export async function deleteNotificationPreference(db: Db, input: { userId: string; id: string }) {
  const rows = await db
    .delete(notificationPreferences)
    .where(and(eq(notificationPreferences.id, input.id), eq(notificationPreferences.userId, input.userId)))
    .returning({ id: notificationPreferences.id });
  return rows.length > 0;
}

/** A new secret for one of the user's webhook rules: returned once to show, stored only encrypted. */
export async function rotateWebhookSecret(db: Db, input: { userId: string; id: string }) {
  const secret = generateWebhookSecret();
  const [row] = await db
    .update(notificationPreferences)
    .set({ secretCiphertext: encryptWebhookSecret(secret, input.id), legacySecret: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(notificationPreferences.id, input.id),
        eq(notificationPreferences.userId, input.userId),
        eq(notificationPreferences.channel, 'webhook'),
      ),
    )
    .returning({ id: notificationPreferences.id });
  return row ? { id: row.id, secret } : null;
}

// ---- in-app notifications (the bell) ----

export async function countUnreadNotifications(db: Db, input: { userId: string }) {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${input.userId} AND read_at IS NULL`,
  );
  return row?.n ?? 0;
}

export async function listNotifications(db: Db, input: { userId: string; limit?: number }) {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, input.userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(input.limit ?? 20);
}

/** Marks the given notifications (or, without ids, all) of this user read. */
export async function markNotificationsRead(db: Db, input: { userId: string; ids?: number[] }) {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, input.userId),
        isNull(notifications.readAt),
        input.ids ? inArray(notifications.id, input.ids.length ? input.ids : [-1]) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}

/** The user's webhook delivery log, newest first. */
/** Keyset cursor of the delivery log: created_at as Postgres text (microseconds kept) and the id. */
export type DeliveryCursor = { at: string; id: number };

export function encodeDeliveryCursor(c: DeliveryCursor) {
  return Buffer.from(`${c.at}|${c.id}`).toString('base64url');
}

export function decodeDeliveryCursor(s: string | null | undefined): DeliveryCursor | null {
  if (!s) return null;
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{1,18}$/.test(id) || Number.isNaN(Date.parse(at))) return null;
  return { at, id: Number(id) };
}

export type WebhookDelivery = {
  id: number;
  target_url: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  delivered_at: Date | null;
  created_at: Date;
  paused_session_id: string | null;
};

/** The user's webhook delivery log, newest first, keyset-paginated on (created_at, id). */
export async function listWebhookDeliveries(
  db: Db,
  input: { userId: string; limit?: number; cursor?: DeliveryCursor | null },
): Promise<{ rows: WebhookDelivery[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const c = input.cursor;
  const rows = await queryRows<WebhookDelivery & { cursor_at: string }>(
    db,
    sql`SELECT d.id, d.target_url, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at,
               d.delivered_at, d.created_at, d.paused_session_id, d.created_at::text AS cursor_at
        FROM notification_deliveries d JOIN notification_preferences p ON p.id = d.preference_id
        WHERE p.user_id = ${input.userId}
          ${c ? sql`AND (d.created_at, d.id) < (${c.at}::timestamptz, ${c.id})` : sql``}
        ORDER BY d.created_at DESC, d.id DESC LIMIT ${limit + 1}`,
  );
  const shown = rows.slice(0, limit).map(({ cursor_at: _, ...r }) => ({ ...r, id: Number(r.id) }));
  const last = rows[Math.min(rows.length, limit) - 1];
  return { rows: shown, nextCursor: rows.length > limit && last ? encodeDeliveryCursor({ at: last.cursor_at, id: Number(last.id) }) : null };
}
