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
/** A token's bucket, with the sessions it has acted on lately (id → last time, ms) that scale its budget. */
type TokenState = Bucket & { sessions: Map<string, number>; prunedAt: number };

const globalForLimits = globalThis as unknown as {
  __flightdeckTokenLimits?: { tokens: Map<string, TokenState>; sessions: Map<string, Bucket> };
};
const limits = (globalForLimits.__flightdeckTokenLimits ??= { tokens: new Map(), sessions: new Map() });

/** A session counts toward its token's budget while the token acted on it within this window. */
export const ACTIVE_SESSION_WINDOW_MS = 120_000;
const PRUNE_EVERY_MS = 10_000;

/**
 * Takes one request from a bucket of `perMinute` capacity (a burst of a full minute is allowed), refilled
 * continuously at perMinute/60 per second.
 */
function take(b: Bucket, perMinute: number, now: number): RateLimitCheck {
  const perMs = perMinute / 60_000;
  b.tokens = Math.min(perMinute, b.tokens + (now - b.updatedAt) * perMs);
  b.updatedAt = now;
  if (b.tokens < 1) return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
  b.tokens -= 1;
  return { ok: true, remaining: Math.floor(b.tokens) };
}

function tokenState(tokenId: string, now: number): TokenState {
  let t = limits.tokens.get(tokenId);
  if (!t) {
    limits.tokens.set(tokenId, (t = { tokens: env().API_RATE_LIMIT_PER_MINUTE, updatedAt: now, sessions: new Map(), prunedAt: now }));
    // Keep the maps from growing without bound when many tokens come and go.
    if (limits.tokens.size > 10_000) {
      for (const [id, other] of limits.tokens) if (now - other.updatedAt > ACTIVE_SESSION_WINDOW_MS) limits.tokens.delete(id);
    }
  }
  if (now - t.prunedAt > PRUNE_EVERY_MS) {
    t.prunedAt = now;
    for (const [id, seen] of t.sessions) {
      if (now - seen > ACTIVE_SESSION_WINDOW_MS) {
        t.sessions.delete(id);
        limits.sessions.delete(`${tokenId}:${id}`);
      }
    }
  }
  return t;
}

/** The token's budget per minute: the base plus a share for each of its active sessions (capped). */
function tokenBudget(t: TokenState) {
  const e = env();
  return e.API_RATE_LIMIT_PER_MINUTE + e.API_RATE_LIMIT_PER_SESSION_PER_MINUTE * Math.min(t.sessions.size, e.API_RATE_LIMIT_MAX_SESSIONS_PER_TOKEN);
}

/**
 * Admits one request of an API token, or refuses it with the seconds to wait.
 * - Per token: a bucket of API_RATE_LIMIT_PER_MINUTE plus API_RATE_LIMIT_PER_SESSION_PER_MINUTE for each session
 *   the token acted on successfully within the last two minutes (at most API_RATE_LIMIT_MAX_SESSIONS_PER_TOKEN of
 *   them), so one token shared by a fleet grows with the fleet instead of starving it. Counting is an in-memory map
 *   per token, pruned every 10 s: no database work per request.
 * - Per session (when the request names one, `sessionId`): a bucket of API_RATE_LIMIT_PER_SESSION_PER_MINUTE, so an
 *   agent looping on its own session is stopped long before it can use up the fleet's budget.
 * A long-poll is one request, charged once when it starts however long it is held.
 */
export function checkTokenRateLimit(tokenId: string, now = Date.now(), sessionId?: string | null): RateLimitCheck {
  const e = env();
  if (e.API_RATE_LIMIT_PER_MINUTE === 0) return { ok: true, remaining: Number.POSITIVE_INFINITY };
  const t = tokenState(tokenId, now);
  const perSession = e.API_RATE_LIMIT_PER_SESSION_PER_MINUTE;
  if (sessionId && perSession > 0) {
    const key = `${tokenId}:${sessionId}`;
    let s = limits.sessions.get(key);
    if (!s) {
      s = { tokens: perSession, updatedAt: now };
      // Only sessions the token acts on successfully are remembered (noteActiveSessions); a probe of random ids
      // gets a fresh bucket each time but still pays from the token's.
      if (t.sessions.has(sessionId)) limits.sessions.set(key, s);
    }
    const own = take(s, perSession, now);
    if (!own.ok) return own;
  }
  return take(t, tokenBudget(t), now);
}

/**
 * Marks sessions as active for a token (after a request on them succeeded). A session new to the token brings its
 * share of budget at once, so a fleet coming up does not meet the base limit before its sessions are counted.
 */
export function noteActiveSessions(tokenId: string, sessionIds: Iterable<string>, now = Date.now()) {
  const e = env();
  if (e.API_RATE_LIMIT_PER_MINUTE === 0 || e.API_RATE_LIMIT_PER_SESSION_PER_MINUTE === 0) return;
  const t = tokenState(tokenId, now);
  for (const id of sessionIds) {
    const key = id.toLowerCase();
    if (!t.sessions.has(key) && t.sessions.size < e.API_RATE_LIMIT_MAX_SESSIONS_PER_TOKEN) {
      t.tokens += e.API_RATE_LIMIT_PER_SESSION_PER_MINUTE;
    }
    t.sessions.set(key, now);
  }
  t.tokens = Math.min(t.tokens, tokenBudget(t));
}

const sessionPath = /^\/api\/v1\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

/** The session a request's path names (`/api/v1/sessions/{id}/…`), lower case, else null. */
export function sessionIdOfPath(pathname: string): string | null {
  const m = sessionPath.exec(pathname);
  return m ? m[1].toLowerCase() : null;
}

/** For tests: forget every bucket. */
export function resetTokenRateLimits() {
  limits.tokens.clear();
  limits.sessions.clear();
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
