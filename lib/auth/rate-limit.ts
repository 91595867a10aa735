import { and, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { env } from '@/lib/env';

/**
 * Abuse limits that Better Auth does not cover itself (it limits sign-in requests per address):
 * - API requests per token: an in-memory token bucket per token id. In memory is enough because one Node
 *   process serves the console (PGlite allows only one); with several replicas each enforces its own share.
 * - Failed sign-ins per account: counted from audit_log, so the limit holds across restarts and replicas and
 *   an attacker rotating addresses still meets it.
 */

export type RateLimitCheck = { ok: true; remaining: number } | { ok: false; retryAfterS: number };

type Bucket = { tokens: number; updatedAt: number };

const globalForLimits = globalThis as unknown as { __flightdeckTokenBuckets?: Map<string, Bucket> };
const buckets = (globalForLimits.__flightdeckTokenBuckets ??= new Map());

/**
 * Takes one request from the token's bucket. Capacity is the per-minute limit (a burst of a full minute is
 * allowed), refilled continuously at limit/60 per second.
 */
export function checkTokenRateLimit(tokenId: string, now = Date.now()): RateLimitCheck {
  const limit = env().API_RATE_LIMIT_PER_MINUTE;
  if (limit === 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  const perMs = limit / 60_000;
  const b = buckets.get(tokenId) ?? { tokens: limit, updatedAt: now };
  b.tokens = Math.min(limit, b.tokens + (now - b.updatedAt) * perMs);
  b.updatedAt = now;
  if (b.tokens < 1) {
    buckets.set(tokenId, b);
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  }
  b.tokens -= 1;
  buckets.set(tokenId, b);
  // Keep the map from growing without bound when many tokens come and go.
  if (buckets.size > 10_000) {
    for (const [id, other] of buckets) if (now - other.updatedAt > 120_000) buckets.delete(id);
  }
  return { ok: true, remaining: Math.floor(b.tokens) };
}

/** For tests: forget every bucket. */
export function resetTokenRateLimits() {
  buckets.clear();
}

export const SIGN_IN_ACTION = 'auth.sign_in';

/**
 * Refuses a sign-in when the account already has SIGN_IN_MAX_FAILURES failed attempts within
 * SIGN_IN_FAILURE_WINDOW_S (so the next, e.g. 6th, attempt is refused). Counts by the email as typed (lower
 * case), whether or not such a user exists, so the answer does not reveal which accounts exist.
 */
export async function checkSignInAllowed(db: Db, email: string, now = Date.now()): Promise<RateLimitCheck> {
  const e = env();
  const max = e.SIGN_IN_MAX_FAILURES;
  if (max === 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  const windowMs = e.SIGN_IN_FAILURE_WINDOW_S * 1000;
  const since = new Date(now - windowMs);
  // Served by idx_audit_log_target (target_type, target_id).
  const rows = await db
    .select({ createdAt: auditLog.createdAt })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, SIGN_IN_ACTION),
        eq(auditLog.outcome, 'failure'),
        eq(auditLog.targetType, 'account'),
        eq(auditLog.targetId, normalizeEmail(email)),
        gt(auditLog.createdAt, since),
      ),
    )
    .orderBy(desc(auditLog.createdAt))
    .limit(max);
  if (rows.length < max) return { ok: true, remaining: max - rows.length };
  // Allowed again when the oldest of the last `max` failures leaves the window.
  const oldest = rows[rows.length - 1].createdAt.getTime();
  return { ok: false, retryAfterS: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}
