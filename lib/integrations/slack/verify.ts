import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * Slack's request signing, exactly as Slack documents it ("Verifying requests from Slack"):
 * `X-Slack-Signature` = `v0=` + hex HMAC-SHA256(signing secret, `v0:${X-Slack-Request-Timestamp}:${raw body}`),
 * the timestamp within 5 minutes of now (either way), compared in constant time.
 */
export const SLACK_TOLERANCE_S = 300;

export type SlackVerification = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

export function slackSignature(secret: string, timestamp: string, rawBody: string) {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function verifySlackSignature(
  secret: string,
  input: { timestamp: string | null; signature: string | null; rawBody: string; nowS?: number },
): SlackVerification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'missing' };
  }
  const now = input.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > SLACK_TOLERANCE_S) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(slackSignature(secret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * Replay store shared by every instance: records a verified request's signature and returns false when it was
 * already there (the same body and timestamp sent again). Rows older than twice the timestamp window can never
 * match a fresh request again and are pruned here, a few at a time.
 */
export async function claimSlackRequest(db: Db, signature: string): Promise<boolean> {
  await db.execute(sql`DELETE FROM slack_seen_requests WHERE signature IN (
                         SELECT signature FROM slack_seen_requests WHERE seen_at < now() - interval '10 minutes' LIMIT 100)`);
  const rows = await queryRows<{ signature: string }>(
    db,
    sql`INSERT INTO slack_seen_requests (signature) VALUES (${signature}) ON CONFLICT DO NOTHING RETURNING signature`,
  );
  return rows.length === 1;
}
