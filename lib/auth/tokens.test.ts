import { expect, it, vi } from 'vitest';
import { createDb } from '@/lib/db/client';
import { recordStatements } from '@/lib/observability/instrument';
import { describeEachDb } from '@/lib/test/db';

type TokensModule = typeof import('./tokens');

/**
 * Next bundles server actions and route handlers separately, so lib/auth/tokens.ts is loaded twice in one
 * process: Settings revokes through one copy, agents are checked by the other. Two fresh module instances stand
 * in for the two bundles.
 */
async function freshCopy(): Promise<TokensModule> {
  vi.resetModules();
  return import('./tokens');
}

describeEachDb('API token cache', (t) => {
  it('a revoke through one bundle refuses the token at once in the other', async () => {
    const routeBundle = await freshCopy();
    const actionBundle = await freshCopy();
    expect(routeBundle).not.toBe(actionBundle);

    const { token, record } = await actionBundle.createApiToken(t().db, { name: 'agent', scopes: ['ingest'] });
    // The agent's requests warm the route bundle's cache.
    expect(await routeBundle.authenticateToken(t().db, `Bearer ${token}`)).toMatchObject({ ok: true });

    expect(await actionBundle.revokeApiToken(t().db, { id: record.id, revokedBy: 'admin' })).toEqual({ ok: true });
    expect(await routeBundle.authenticateToken(t().db, `Bearer ${token}`)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a revoke on one instance refuses the token on another as soon as it hears the NOTIFY, well inside the TTL', async (ctx) => {
    if (t().kind !== 'postgres') return ctx.skip(); // PGlite is one process: no other instance to tell
    const tokens = await freshCopy();
    // Instance B: its own pool to the same database, its own cache, listening as start-up makes it.
    const b = await createDb({ url: t().url!, poolMax: 2, metricsFlushMs: 0 });
    try {
      await tokens.listenForTokenRevocations(b);
      const { token, record } = await tokens.createApiToken(t().db, { name: 'fleet', scopes: ['ingest'] });
      expect(await tokens.authenticateToken(b.db, `Bearer ${token}`)).toMatchObject({ ok: true }); // cached on B

      const revokedAt = Date.now();
      expect(await tokens.revokeApiToken(t().db, { id: record.id, revokedBy: 'admin' })).toEqual({ ok: true });
      let answer = await tokens.authenticateToken(b.db, `Bearer ${token}`);
      while (answer.ok && Date.now() - revokedAt < tokens.TOKEN_CACHE_TTL_MS) {
        await new Promise((r) => setTimeout(r, 10));
        answer = await tokens.authenticateToken(b.db, `Bearer ${token}`);
      }
      expect(answer).toEqual({ ok: false, reason: 'revoked' });
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
    } finally {
      await b.close();
    }
  });

  /** The token lookups (SELECT … FROM api_tokens) `fn` sends. */
  const lookups = async (fn: () => Promise<unknown>) =>
    (await recordStatements(fn)).statements.filter((st) => /^select/i.test(st.text.trim()) && /"api_tokens"/.test(st.text)).length;

  /** A fresh module copy, a fleet token and Date.now() held at t0 for `fn` (restored after). */
  const withFrozenClock = async (
    fn: (c: { tokens: TokensModule; token: string; t0: number; clock: { mockReturnValue(v: number): unknown } }) => Promise<void>,
  ) => {
    const tokens = await freshCopy();
    const { token } = await tokens.createApiToken(t().db, { name: 'fleet', scopes: ['ingest'] });
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    try {
      await fn({ tokens, token, t0, clock });
    } finally {
      clock.mockRestore();
    }
  };

  it('a fleet on one token: the requests that find the entry expired share one lookup', () =>
    withFrozenClock(async ({ tokens, token, t0, clock }) => {
      expect(await lookups(() => tokens.authenticateToken(t().db, `Bearer ${token}`))).toBe(1);
      clock.mockReturnValue(t0 + tokens.TOKEN_CACHE_TTL_MS + 1);
      let answers: unknown[] = [];
      const n = await lookups(async () => {
        answers = await Promise.all(Array.from({ length: 50 }, () => tokens.authenticateToken(t().db, `Bearer ${token}`)));
      });
      expect(n).toBe(1);
      for (const a of answers) expect(a).toMatchObject({ ok: true });
    }));

  it('near the end of its life the entry answers at once and is renewed in the background: a busy token is never found expired', () =>
    withFrozenClock(async ({ tokens, token, t0, clock }) => {
      await tokens.authenticateToken(t().db, `Bearer ${token}`);
      const late = t0 + tokens.TOKEN_CACHE_TTL_MS - tokens.TOKEN_CACHE_REFRESH_AHEAD_MS / 2;
      clock.mockReturnValue(late);
      let answer: unknown;
      // The renewal starts with this request (one lookup), which is answered from the still-valid entry.
      expect(await lookups(async () => void (answer = await tokens.authenticateToken(t().db, `Bearer ${token}`)))).toBe(1);
      expect(answer).toMatchObject({ ok: true });
      await vi.waitFor(async () => {
        // Past the first entry's life: the renewed entry answers without a lookup.
        clock.mockReturnValue(t0 + tokens.TOKEN_CACHE_TTL_MS + 1);
        const n = await lookups(() => tokens.authenticateToken(t().db, `Bearer ${token}`));
        clock.mockReturnValue(late);
        expect(n).toBe(0);
      });
    }));

  it('a revoke while a lookup is under way is not undone by it', async () => {
    const tokens = await freshCopy();
    const { token, record } = await tokens.createApiToken(t().db, { name: 'fleet', scopes: ['ingest'] });
    const first = tokens.authenticateToken(t().db, `Bearer ${token}`);
    expect(await tokens.revokeApiToken(t().db, { id: record.id, revokedBy: 'admin' })).toEqual({ ok: true });
    await first;
    expect(await tokens.authenticateToken(t().db, `Bearer ${token}`)).toEqual({ ok: false, reason: 'revoked' });
  });
});

