import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/lib/db/client';
import { apiTokens, type ApiToken } from '@/lib/db/schema';
import { tokenScopes, type TokenScope } from './permissions';
import type { ActorOf } from './actor';

/**
 * API tokens: `fd_<12 random chars prefix>_<secret>`. Only a SHA-256 of the whole token is stored (a token is
 * 190 bits of randomness, so a fast hash is enough: there is nothing to brute-force), shown once at creation.
 */

export function hashToken(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(
  db: Db,
  input: { name: string; scopes: TokenScope[]; createdBy?: string | null; expiresAt?: Date | null },
): Promise<{ token: string; record: ApiToken }> {
  const prefix = randomBytes(9).toString('base64url');
  const token = `fd_${prefix}_${randomBytes(24).toString('base64url')}`;
  const [record] = await db
    .insert(apiTokens)
    .values({
      name: input.name,
      tokenHash: hashToken(token),
      prefix: `fd_${prefix}`,
      scopes: [...new Set(input.scopes)],
      createdBy: input.createdBy ?? null,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { token, record };
}

export type TokenCheck =
  | { ok: true; principal: ActorOf<'token'> }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired' };

/**
 * A verified token is remembered for TOKEN_CACHE_TTL_MS per database handle, so an agent's burst of requests
 * costs one lookup, not one per request. Expiry is still checked on every call against the cached expires_at;
 * a revocation takes effect at once on the instance that revoked it (revokeApiToken drops the entry) and, on
 * Postgres, on the others as soon as they hear its NOTIFY (below); the TTL bounds it if they cannot. Only known tokens are cached: a guessed token always reaches the database.
 *
 * The cache lives on globalThis, like the rate-limit buckets: Next bundles server actions (where Settings revokes)
 * and route handlers (where agents call) separately, and module state would give each bundle its own copy, so the
 * revoking bundle's drop would leave the API's copy accepting the token until its TTL ran out.
 *
 * One lookup per token at a time: the requests that find the entry missing or expired while a lookup is under way
 * wait for that lookup instead of sending their own (a fleet on one token sends hundreds of requests a second; each
 * sending its own lookup when the entry expired put hundreds of statements into the pool queue every TTL, which
 * made the next lookup slower and the herd larger — 5,000 agents waited seconds, docs/benchmarks-fleet.md). And
 * the last TOKEN_CACHE_REFRESH_AHEAD_MS of an entry's life, the first request to see it starts a lookup in the
 * background and is answered from the entry, still valid: a busy token is never found expired. An entry is never
 * used past its `until`, so the TTL bound on a revocation is unchanged.
 */
export const TOKEN_CACHE_TTL_MS = 5_000;
export const TOKEN_CACHE_REFRESH_AHEAD_MS = 1_000;
const TOKEN_CACHE_MAX = 10_000;
type CachedToken = {
  row: Pick<ApiToken, 'id' | 'name' | 'scopes' | 'revokedAt' | 'expiresAt' | 'lastUsedAt'>;
  until: number;
};
/**
 * `generation` moves on every revoke, so a lookup that read the row before the revoke does not cache it after;
 * `lookups` holds the lookup under way per token hash (null: no such token).
 */
type TokenCache = { entries: Map<string, CachedToken>; generation: number; lookups: Map<string, Promise<CachedToken | null>> };
const globalForTokens = globalThis as unknown as {
  __flightdeckTokenCaches?: WeakMap<Db, TokenCache>;
  /** Every cache of this process (a handful of handles), for a revocation heard from another instance. */
  __flightdeckTokenCacheSet?: Set<TokenCache>;
  __flightdeckTokenListen?: Promise<void>;
};
const tokenCaches = (globalForTokens.__flightdeckTokenCaches ??= new WeakMap());
const allTokenCaches = (globalForTokens.__flightdeckTokenCacheSet ??= new Set());

function tokenCacheOf(db: Db): TokenCache {
  let cache = tokenCaches.get(db);
  if (!cache) {
    tokenCaches.set(db, (cache = { entries: new Map(), generation: 0, lookups: new Map() }));
    allTokenCaches.add(cache);
  }
  return cache;
}

function dropFromCache(cache: TokenCache, tokenId: string | null) {
  cache.generation += 1;
  // A lookup under way may have read the row before the revoke: later requests start their own.
  cache.lookups.clear();
  if (tokenId === null) cache.entries.clear();
  else for (const [hash, entry] of cache.entries) if (entry.row.id === tokenId) cache.entries.delete(hash);
}

/**
 * Revocations across instances: revokeApiToken NOTIFYs this channel after its update commits, and every instance
 * LISTENing (listenForTokenRevocations, at start-up) drops the token from its caches when it hears it — within
 * the NOTIFY's delivery (milliseconds), not the TTL. When the LISTEN connection is lost, postgres.js reconnects
 * and listens again; on every (re)connect the caches are emptied, since a NOTIFY sent while away is not replayed.
 * The TTL is the bound that remains if the listener itself cannot run.
 */
export const TOKEN_REVOKED_CHANNEL = 'flightdeck_token_revoked';

export function listenForTokenRevocations(handle: DbHandle): Promise<void> {
  if (handle.kind !== 'postgres' || !handle.sql) return Promise.resolve();
  globalForTokens.__flightdeckTokenListen ??= handle.sql
    .listen(
      TOKEN_REVOKED_CHANNEL,
      (tokenId) => {
        for (const cache of allTokenCaches) dropFromCache(cache, tokenId);
      },
      () => {
        for (const cache of allTokenCaches) dropFromCache(cache, null);
      },
    )
    .then(() => undefined)
    .catch((err) => {
      globalForTokens.__flightdeckTokenListen = undefined;
      throw err;
    });
  return globalForTokens.__flightdeckTokenListen;
}

/** The token row for `hash`, cached (unless a revoke happened meanwhile); one lookup per hash at a time. */
function lookUpToken(db: Db, cache: TokenCache, hash: string): Promise<CachedToken | null> {
  const under = cache.lookups.get(hash);
  if (under) return under;
  const generation = cache.generation;
  const lookup = (async () => {
    const [row] = await db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        tokenHash: apiTokens.tokenHash,
        scopes: apiTokens.scopes,
        revokedAt: apiTokens.revokedAt,
        expiresAt: apiTokens.expiresAt,
        lastUsedAt: apiTokens.lastUsedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hash))
      .limit(1);
    if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) {
      cache.entries.delete(hash);
      return null;
    }
    const entry: CachedToken = { row, until: Date.now() + TOKEN_CACHE_TTL_MS };
    if (cache.generation === generation) {
      if (cache.entries.size >= TOKEN_CACHE_MAX) cache.entries.clear();
      cache.entries.set(hash, entry);
    }
    return entry;
  })();
  cache.lookups.set(hash, lookup);
  // Settled (either way): the next miss starts a new lookup. Callbacks run after the set above.
  const done = () => {
    if (cache.lookups.get(hash) === lookup) cache.lookups.delete(hash);
  };
  lookup.then(done, done);
  return lookup;
}

/** Verifies `Authorization: Bearer fd_…`. Updates last_used_at at most once a minute per token. */
export async function authenticateToken(db: Db, authorization: string | null): Promise<TokenCheck> {
  if (!authorization) return { ok: false, reason: 'missing' };
  const m = /^Bearer\s+(fd_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{32})$/.exec(authorization.trim());
  if (!m) return { ok: false, reason: 'malformed' };
  const hash = hashToken(m[1]);
  const cache = tokenCacheOf(db);
  const now = Date.now();
  let cached = cache.entries.get(hash);
  if (!cached || cached.until <= now) {
    const found = await lookUpToken(db, cache, hash);
    if (!found) return { ok: false, reason: 'unknown' };
    cached = found;
  } else if (cached.until - now <= TOKEN_CACHE_REFRESH_AHEAD_MS && !cache.lookups.has(hash)) {
    // Still valid: answered from the entry while one lookup renews it. A failed renewal is left to the next
    // request after `until`, which looks up again and sees the failure itself.
    lookUpToken(db, cache, hash).catch(() => {});
  }
  const row = cached.row;
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  if (row.expiresAt && row.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
    row.lastUsedAt = new Date(now);
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.id, row.id))
      .catch(() => {});
  }
  const scopes = row.scopes.filter((s): s is TokenScope => (tokenScopes as readonly string[]).includes(s));
  return { ok: true, principal: { kind: 'token', id: row.id, name: row.name, scopes, via: 'api' } };
}

export async function revokeApiToken(db: Db, input: { id: string; revokedBy: string }) {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()`, revokedBy: input.revokedBy })
    .where(and(eq(apiTokens.id, input.id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  dropFromCache(tokenCacheOf(db), input.id);
  // Other instances drop it when they hear this (after the update above has committed).
  if (rows.length === 1) await db.execute(sql`SELECT pg_notify(${TOKEN_REVOKED_CHANNEL}, ${input.id})`).catch(() => {});
  return rows.length === 1 ? ({ ok: true } as const) : ({ ok: false, reason: 'not_found_or_revoked' } as const);
}

export async function listApiTokens(db: Db) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt))
    .limit(500);
}

/** Neither revoked nor expired: authenticateToken would accept it. */
export function isTokenUsable(t: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()) {
  return !t.revokedAt && (!t.expiresAt || t.expiresAt.getTime() > now);
}
