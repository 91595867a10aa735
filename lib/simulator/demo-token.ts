import { and, eq, isNull } from 'drizzle-orm';
import { createApiToken, revokeApiToken } from '@/lib/auth/tokens';
import type { Db } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/schema';

/**
 * The simulated fleet's API token for one demo port. Each `npm run demo` start issues a fresh token (the secret is
 * shown once and never stored, so an old one cannot be reused) and revokes the previous start's token of the same
 * name, so the Tokens page holds one live demo token per port instead of one more never-expiring token per start.
 * It also expires on its own after `ttlDays`, in case the demo's data is kept and the demo is never started again.
 */
export async function rotateDemoToken(db: Db, input: { port: number | string; ttlDays?: number; now?: Date }) {
  const name = `demo simulator (port ${input.port})`;
  const previous = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt)));
  for (const t of previous) await revokeApiToken(db, { id: t.id, revokedBy: 'npm run demo (replaced by a new start)' });
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (input.ttlDays ?? 7) * 86_400_000);
  const { token, record } = await createApiToken(db, { name, scopes: ['ingest', 'control', 'read'], expiresAt });
  return { token, record, revoked: previous.length };
}
