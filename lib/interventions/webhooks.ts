import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { signWebhookBody } from './notifications';

/**
 * The webhook outbox worker. A run claims due rows with FOR UPDATE SKIP LOCKED and, in the same short
 * transaction, pushes their next_attempt_at past the HTTP timeout (a lease) and counts the attempt; it then
 * POSTs outside any transaction. Another instance running at the same moment skips the locked rows and, after
 * the commit, no longer sees them as due, so each attempt is made by one worker. A worker that dies mid-POST
 * leaves the row due again when the lease ends (at-least-once; receivers de-duplicate on `X-Flightdeck-Delivery`).
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

type Claimed = { id: number; target_url: string; payload: unknown; attempts: number; secret: string | null };

export type DeliveryOutcome = { id: number; status: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null };

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
          FROM notification_preferences p
          WHERE d.id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) AND p.id = d.preference_id
          RETURNING d.id, d.target_url, d.payload, d.attempts, p.secret`,
    );
  });
}

async function post(row: Claimed, timeoutMs: number): Promise<{ statusCode: number | null; error: string | null }> {
  const body = JSON.stringify(row.payload);
  try {
    const res = await fetch(row.target_url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Flightdeck-Webhooks/1',
        'x-flightdeck-delivery': String(row.id),
        ...(row.secret ? { 'x-flightdeck-signature': signWebhookBody(row.secret, body) } : {}),
      },
      body,
      // A redirect could send the signed body somewhere the user never configured.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    const error = e.name === 'TimeoutError' || e.name === 'AbortError' ? `Timed out after ${timeoutMs} ms` : (e.message || String(err));
    return { statusCode: null, error: error.slice(0, 500) };
  }
}

/** One worker run: claims up to `limit` due deliveries, POSTs them in parallel, records each outcome. */
export async function deliverDueWebhooks(db: Db, options: DeliveryOptions = {}): Promise<DeliveryOutcome[]> {
  const o = { ...defaults, ...options };
  const claimed = await claimDue(db, o.limit, o.timeoutMs + o.leaseMs);
  return Promise.all(
    claimed.map(async (row): Promise<DeliveryOutcome> => {
      const r = await post(row, o.timeoutMs);
      const id = Number(row.id);
      if (r.error === null) {
        await db.execute(sql`UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(),
                               last_status_code = ${r.statusCode}, last_error = NULL WHERE id = ${id}`);
        return { id, status: 'delivered', ...r };
      }
      const status = row.attempts >= o.maxAttempts ? 'failed' : 'pending';
      const delay = backoffDelayMs(row.attempts, o.backoffMs, o.maxBackoffMs);
      await db.execute(sql`UPDATE notification_deliveries SET status = ${status}, last_status_code = ${r.statusCode},
                             last_error = ${r.error}, next_attempt_at = now() + make_interval(secs => ${delay / 1000})
                           WHERE id = ${id}`);
      return { id, status, ...r };
    }),
  );
}
