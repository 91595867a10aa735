import { expect, it, vi } from 'vitest';
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

});
