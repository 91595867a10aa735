import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { OutboundError, outboundRequest } from '@/lib/net/outbound';
import { decryptWebhookSecret, encryptWebhookSecret, signWebhook } from './webhook-signing';

/**
 * The webhook outbox worker. A run claims due rows with FOR UPDATE SKIP LOCKED and, in the same short
 * transaction, pushes their next_attempt_at past the HTTP timeout (a lease) and counts the attempt; it then
 * POSTs outside any transaction. Another instance running at the same moment skips the locked rows and, after
 * the commit, no longer sees them as due, so each attempt is made by one worker. A worker that dies mid-POST
 * leaves the row due again when the lease ends (at-least-once; receivers de-duplicate on `X-Flightdeck-Delivery`).
 * Every POST goes through the guarded outbound client (lib/net/outbound.ts), which checks the target again at send
 * time; a refused target fails at once and its log says only "refused: private address", so the log cannot be used
 * to learn which private ports answer.
 */
export type DeliveryOptions = {
  limit?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Extra time beyond the timeout before a claimed row may be claimed again. */
  leaseMs?: number;
};

const defaults = { limit: 20, timeoutMs: 5_000, maxAttempts: 6, backoffMs: 30_000, maxBackoffMs: 3_600_000, leaseMs: 30_000 };

export function backoffDelayMs(attempt: number, base: number, cap: number) {
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

type Claimed = {
  id: number;
  target_url: string;
  payload: unknown;
  attempts: number;
  channel: 'webhook' | 'slack';
  preference_id: string | null;
  secret_ciphertext: string | null;
  legacy_secret: string | null;
};

export type DeliveryOutcome = { id: number; status: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null };

export const REFUSED_ERROR = 'refused: private address';

async function claimDue(db: Db, limit: number, leaseMs: number) {
  return db.transaction(async (tx) => {
    const due = await queryRows<{ id: number }>(
      tx,
      sql`SELECT id FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    );
    if (!due.length) return [];
    const ids = due.map((d) => Number(d.id));
    return queryRows<Claimed>(
      tx,
      sql`UPDATE notification_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
          WHERE d.id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})
          RETURNING d.id, d.target_url, d.payload, d.attempts, d.channel, d.preference_id,
            (SELECT p.secret_ciphertext FROM notification_preferences p WHERE p.id = d.preference_id) AS secret_ciphertext,
            (SELECT p.legacy_secret FROM notification_preferences p WHERE p.id = d.preference_id) AS legacy_secret`,
    );
  });
}

/**
 * Rules saved before migration 0005 carry their secret in plaintext (legacy_secret): encrypt each into
 * secret_ciphertext and clear the plaintext. Runs once per database handle, from the first worker run; idempotent.
 */
const legacyEncrypted = new WeakSet<Db>();
export async function encryptLegacyWebhookSecrets(db: Db) {
  const rows = await queryRows<{ id: string; legacy_secret: string }>(
    db,
    sql`SELECT id, legacy_secret FROM notification_preferences WHERE legacy_secret IS NOT NULL`,
  );
  for (const r of rows) {
    await db.execute(sql`UPDATE notification_preferences SET secret_ciphertext = ${encryptWebhookSecret(r.legacy_secret, r.id)},
                           legacy_secret = NULL WHERE id = ${r.id} AND legacy_secret = ${r.legacy_secret}`);
  }
  return rows.length;
}

type Attempt = { statusCode: number | null; error: string | null; final?: boolean };

function secretOf(row: Claimed): string | null | undefined {
  // Slack's incoming webhooks take Slack's own JSON and no signature (the fleet channel has no rule at all).
  if (row.channel === 'slack') return null;
  if (!row.preference_id) return undefined;
  if (row.secret_ciphertext) return decryptWebhookSecret(row.secret_ciphertext, row.preference_id) ?? undefined;
  return row.legacy_secret;
}

async function post(row: Claimed, timeoutMs: number): Promise<Attempt> {
  const body = JSON.stringify(row.payload);
  const secret = secretOf(row);
  // Sending unsigned would teach receivers to accept unsigned calls: an unreadable secret fails the delivery.
  if (secret === undefined) return { statusCode: null, error: 'signing secret unreadable (BETTER_AUTH_SECRET changed?): rotate the secret', final: true };
  try {
    const res = await outboundRequest(row.target_url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Flightdeck-Webhooks/1',
        'x-flightdeck-delivery': String(row.id),
        ...(secret ? { 'flightdeck-signature': signWebhook(secret, { deliveryId: row.id, body }) } : {}),
      },
      body,
      // A redirect could send the signed body somewhere the user never configured: a 3xx is a failed attempt.
      maxRedirects: 0,
      // Slack URLs: https (or an allowed host) only, never link-local even when allowed.
      strict: row.channel === 'slack',
      timeoutMs,
      maxResponseBytes: 4096,
    });
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    if (err.code === 'refused') return { statusCode: null, error: REFUSED_ERROR, final: true };
    if (err.code === 'bad_url') return { statusCode: null, error: `invalid URL: ${err.message}`, final: true };
    return { statusCode: null, error: err.code === 'timeout' ? `Timed out after ${timeoutMs} ms` : err.message };
  }
}

/** One worker run: claims up to `limit` due deliveries, POSTs them in parallel, records each outcome. */
export async function deliverDueWebhooks(db: Db, options: DeliveryOptions = {}): Promise<DeliveryOutcome[]> {
  const o = { ...defaults, ...options };
  if (!legacyEncrypted.has(db)) {
    await encryptLegacyWebhookSecrets(db);
    legacyEncrypted.add(db);
  }
  const claimed = await claimDue(db, o.limit, o.timeoutMs + o.leaseMs);
  return Promise.all(
    claimed.map(async (row): Promise<DeliveryOutcome> => {
      const r = await post(row, o.timeoutMs);
      const id = Number(row.id);
      if (r.error === null) {
        await db.execute(sql`UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(),
                               last_status_code = ${r.statusCode}, last_error = NULL WHERE id = ${id}`);
        return { id, status: 'delivered', statusCode: r.statusCode, error: null };
      }
      const status = r.final || row.attempts >= o.maxAttempts ? 'failed' : 'pending';
      const delay = backoffDelayMs(row.attempts, o.backoffMs, o.maxBackoffMs);
      await db.execute(sql`UPDATE notification_deliveries SET status = ${status}, last_status_code = ${r.statusCode},
                             last_error = ${r.error}, next_attempt_at = now() + make_interval(secs => ${delay / 1000})
                           WHERE id = ${id}`);
      return { id, status, statusCode: r.statusCode, error: r.error };
    }),
  );
}
