import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/log';
import { userActor, type Actor, type ActorOf } from '@/lib/auth/actor';
import { can, type Permission } from '@/lib/auth/permissions';
import type { Db } from '@/lib/db/client';
import { apiTokens, user } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/**
 * Who a person's decision through MCP (resume, abort, restore) is made by: the token's owner — the person who
 * created it in Settings → API tokens — as a user Actor with via 'mcp' and the token named, so the audit trail and
 * "resolved by" show the person, not a bot. The owner's role must allow the decision, exactly as the console's
 * button would (lib/auth/permissions.ts); a refusal is audited. A token without an owner (made with
 * `npm run token:create`) acts as itself. This is the MCP door's guard: the command trusts the actor it gets.
 */
export async function decisionActor(
  db: Db,
  principal: ActorOf<'token'>,
  permission: Permission,
  target: Record<string, unknown>,
): Promise<Actor> {
  const [row] = await db
    .select({ id: user.id, email: user.email, name: user.name, role: user.role, banned: user.banned })
    .from(apiTokens)
    .innerJoin(user, eq(user.id, apiTokens.createdBy))
    .where(eq(apiTokens.id, principal.id));
  if (!row) return principal;
  const owner: ActorOf<'user'> = {
    ...userActor(row, 'mcp'),
    viaToken: { id: principal.id, name: principal.name },
    ip: principal.ip,
    userAgent: principal.userAgent,
  };
  const refusal = row.banned
    ? "The token's owner is deactivated"
    : can(owner.role, permission)
      ? null
      : `The token's owner (role ${owner.role}) is not allowed to do this`;
  if (!refusal) return owner;
  await recordAudit(db, { actor: owner, action: 'auth.denied', outcome: 'denied', details: { permission, ...target } });
  throw new AppError('forbidden', refusal);
}
