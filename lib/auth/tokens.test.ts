import { expect, it, vi } from 'vitest';
import { createDb } from '@/lib/db/client';
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
});
