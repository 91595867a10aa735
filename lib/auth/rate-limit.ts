import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { env } from '@/lib/env';

/**
 * Abuse limits:
 * - API requests per token: an in-memory token bucket per token id. In memory is enough because one Node
 *   process serves the console (PGlite allows only one); with several replicas each enforces its own share.
 * - Sign-in: only failures count (successful sign-ins are never limited, so a team behind one NAT can all sign in).
 *   Per account, a delay that grows with each consecutive failure (never a hard lock an attacker can hold: once
 *   the delay has passed, the right password works), counted from audit_log so it holds across restarts and
 *   replicas and an attacker rotating addresses still meets it. Per client address (as lib/http/request-meta.ts
 *   resolves it), a cap on failures within a window, in memory like the token buckets.
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
 * Seconds to wait before the next attempt after `failures` consecutive failed sign-ins: none for the first
 * SIGN_IN_FREE_FAILURES (typos), then 1, 2, 4, 8 … capped at SIGN_IN_MAX_DELAY_S.
 */
export function signInDelayS(failures: number, free = env().SIGN_IN_FREE_FAILURES, cap = env().SIGN_IN_MAX_DELAY_S) {
  if (failures <= free) return 0;
  return Math.min(cap, 2 ** Math.min(30, failures - free - 1));
}

/**
 * Per account: refuses an attempt made before the delay earned by its consecutive failures (since its last
 * successful sign-in, within SIGN_IN_FAILURE_WINDOW_S) has passed. Keyed by the email as typed (lower case),
 * whether or not such a user exists, so the answer does not reveal which accounts exist.
 */
export async function checkAccountSignInDelay(db: Db, email: string, now = Date.now()): Promise<RateLimitCheck> {
  const e = env();
  const since = new Date(now - e.SIGN_IN_FAILURE_WINDOW_S * 1000);
  // Enough rows to reach the cap: past it the delay no longer grows.
  const lookBack = e.SIGN_IN_FREE_FAILURES + Math.ceil(Math.log2(e.SIGN_IN_MAX_DELAY_S)) + 2;
  // Served by idx_audit_log_target (target_type, target_id).
  const rows = await db
    .select({ createdAt: auditLog.createdAt, outcome: auditLog.outcome })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, SIGN_IN_ACTION),
        inArray(auditLog.outcome, ['failure', 'success']),
        eq(auditLog.targetType, 'account'),
        eq(auditLog.targetId, normalizeEmail(email)),
        gt(auditLog.createdAt, since),
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(lookBack);
  let failures = 0;
  while (failures < rows.length && rows[failures].outcome === 'failure') failures++;
  const delayMs = signInDelayS(failures) * 1000;
  if (!delayMs) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  const waitMs = rows[0].createdAt.getTime() + delayMs - now;
  if (waitMs <= 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  return { ok: false, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) };
}

const globalForSignIn = globalThis as unknown as { __flightdeckSignInFailures?: Map<string, number[]> };
const addressFailures: Map<string, number[]> = (globalForSignIn.__flightdeckSignInFailures ??= new Map());

function recentFailures(address: string, now: number) {
  const windowMs = env().SIGN_IN_FAILURE_WINDOW_S * 1000;
  const times = (addressFailures.get(address) ?? []).filter((t) => now - t < windowMs);
  if (times.length) addressFailures.set(address, times);
  else addressFailures.delete(address);
  return times;
}

/** Per address: refuses sign-in once SIGN_IN_MAX_FAILURES_PER_ADDRESS failures fall within the window. */
export function checkAddressSignInFailures(address: string | null, now = Date.now()): RateLimitCheck {
  const e = env();
  const max = e.SIGN_IN_MAX_FAILURES_PER_ADDRESS;
  if (!address || max === 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  const times = recentFailures(address, now);
  if (times.length < max) return { ok: true, remaining: max - times.length };
  // Allowed again when the oldest of the last `max` failures leaves the window.
  const oldest = times[times.length - max];
  return { ok: false, retryAfterS: Math.max(1, Math.ceil((oldest + e.SIGN_IN_FAILURE_WINDOW_S * 1000 - now) / 1000)) };
}

export function recordAddressSignInFailure(address: string | null, now = Date.now()) {
  const max = env().SIGN_IN_MAX_FAILURES_PER_ADDRESS;
  if (!address || max === 0) return;
  const times = recentFailures(address, now);
  times.push(now);
  addressFailures.set(address, times.slice(-max));
  if (addressFailures.size > 50_000) for (const a of [...addressFailures.keys()].slice(0, 10_000)) addressFailures.delete(a);
}

/** For tests: forget every per-address count. */
export function resetAddressSignInFailures() {
  addressFailures.clear();
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}
