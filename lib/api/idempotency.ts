import { createHash } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/guards';
import { queryRows, type Db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { idempotencyKeys } from '@/lib/db/schema';
import type { ApiReply } from './handler';

/**
 * Idempotency-Key for POSTs. The work and the key row (holding the response) commit in one transaction, the key
 * row written last: BEGIN → work → INSERT key ON CONFLICT DO NOTHING → COMMIT, two round trips fewer than
 * claiming the key first and storing the response after. The key's primary key (principal, key) still decides
 * between duplicates: a concurrent duplicate blocks on that insert until the first commits, finds the key
 * taken, rolls its own work back and replays the stored response; if the first rolls back instead, the
 * duplicate's work stands. A retry after the first committed does its work, finds the key and rolls back —
 * wasted effort only on a replay, never a second copy. A crash never leaves a key "in progress". A domain
 * refusal rolls back everything and is then stored by itself. Bad input (400/413/422 from validation) is
 * refused before this point and never stored, as in Stripe's design; domain refusals (404/409) are stored and
 * replayed.
 */
export const IDEMPOTENCY_KEEP_HOURS = 24;

const keyPattern = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get('idempotency-key');
  if (key === null) return null;
  if (!keyPattern.test(key)) {
    throw new AppError('bad_request', 'Idempotency-Key must be 1–255 printable ASCII characters', {
      fields: [{ path: 'Idempotency-Key', message: 'invalid' }],
    });
  }
  return key;
}

export function principalOf(actor: Actor) {
  return actor.kind === 'token' ? `token:${actor.id}` : `user:${actor.id}`;
}

export async function runIdempotent(
  db: Db,
  input: { actor: Actor; key: string; method: string; path: string; raw: string },
  run: (tx: Db) => Promise<ApiReply>,
): Promise<ApiReply & { replayed?: boolean }> {
  const principal = principalOf(input.actor);
  const requestHash = requestHashOf(input.method, input.path, input.raw);
  const where = and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, input.key));
  const refusal = { error: null as AppError | null };
  const taken = new Error('idempotency key taken');
  try {
    return await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      let reply: ApiReply;
      try {
        reply = await run(tx);
      } catch (err) {
        // A refusal (404/409/422 from the domain) rolls the whole transaction back, then is stored on its own below.
        if (err instanceof AppError && err.status < 500) refusal.error = err;
        throw err;
      }
      const stored = await tx
        .insert(idempotencyKeys)
        .values({
          principal,
          key: input.key,
          method: input.method,
          path: input.path,
          requestHash,
          responseStatus: reply.status,
          responseBody: reply.body as object,
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      // Someone holds this key already: undo this attempt's work and answer with theirs.
      if (!stored.length) throw taken;
      return reply;
    });
  } catch (err) {
    if (err === taken) return replay(db, where, requestHash);
    if (!refusal.error) throw err;
    const body = refusal.error.toJSON();
    const stored = await db
      .insert(idempotencyKeys)
      .values({ principal, key: input.key, method: input.method, path: input.path, requestHash, responseStatus: refusal.error.status, responseBody: body })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    // Someone else stored an answer for this key in between: theirs is the one to replay.
    if (!stored.length) return replay(db, where, requestHash);
    return { status: refusal.error.status, body };
  }
}

/** What identifies "the same request" under one key: method, path and the exact body. */
export function requestHashOf(method: string, path: string, raw: string) {
  return createHash('sha256').update(`${method} ${path}\n`).update(raw).digest('hex');
}

/** The stored answer for a key, if this request is the one it was stored for (else 422; no answer yet: 409). */
export function replayStored(
  row: { responseStatus: number | null; responseBody: unknown; requestHash: string } | undefined,
  requestHash: string,
): ApiReply & { replayed: true } {
  if (!row || row.responseStatus === null) {
    throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress; retry shortly');
  }
  if (row.requestHash !== requestHash) {
    throw new AppError('unprocessable', 'This Idempotency-Key was already used with a different request', {
      fields: [{ path: 'Idempotency-Key', message: 'reused with a different method, path or body' }],
    });
  }
  return { status: row.responseStatus, body: row.responseBody, replayed: true };
}

async function replay(db: Db, where: SQL | undefined, requestHash: string): Promise<ApiReply & { replayed: true }> {
  const [row] = await db.select().from(idempotencyKeys).where(where);
  return replayStored(row, requestHash);
}

/** Deletes keys older than the retention, a bounded batch at a time so no run holds locks for long. */
export async function pruneIdempotencyKeys(db: Db, input: { olderThanHours?: number; batchSize?: number; maxBatches?: number } = {}) {
  const hours = Math.max(input.olderThanHours ?? IDEMPOTENCY_KEEP_HOURS, IDEMPOTENCY_KEEP_HOURS);
  const batchSize = input.batchSize ?? 1000;
  let deleted = 0;
  for (let i = 0; i < (input.maxBatches ?? 20); i++) {
    // idx_idempotency_keys_created serves the inner scan.
    const rows = await queryRows(
      db,
      sql`DELETE FROM idempotency_keys WHERE ctid IN (
            SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${hours}) LIMIT ${batchSize})
          RETURNING 1`,
    );
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return { deleted };
}
