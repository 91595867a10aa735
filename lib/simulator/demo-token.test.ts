import { expect, it } from 'vitest';
import { authenticateToken, isTokenUsable, listApiTokens } from '@/lib/auth/tokens';
import { describeEachDb } from '@/lib/test/db';
import { rotateDemoToken } from './demo-token';

describeEachDb('demo token', (t) => {
  it('each demo start leaves one usable, expiring token per port and revokes the previous one', async () => {
    const first = await rotateDemoToken(t().db, { port: 3000 });
    const second = await rotateDemoToken(t().db, { port: 3000 });
    const other = await rotateDemoToken(t().db, { port: 3001 });
    expect(second.revoked).toBe(1);
    expect(other.revoked).toBe(0);
    const usable = (await listApiTokens(t().db)).filter((tok) => isTokenUsable(tok));
    expect(usable.map((tok) => tok.name).sort()).toEqual(['demo simulator (port 3000)', 'demo simulator (port 3001)']);
    expect(usable.every((tok) => tok.expiresAt !== null)).toBe(true);
    expect(await authenticateToken(t().db, `Bearer ${first.token}`)).toEqual({ ok: false, reason: 'revoked' });
    expect((await authenticateToken(t().db, `Bearer ${second.token}`)).ok).toBe(true);
  });
});
