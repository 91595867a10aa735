import { randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { account, user, type User } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';

/** Creates a person who signs in with email + password (Better Auth's "credential" account). */
export async function createUser(
  db: Db,
  input: { email: string; name?: string; role: Role; password: string },
): Promise<{ ok: true; user: User } | { ok: false; reason: 'exists' }> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: user.id }).from(user).where(eq(user.email, email)).limit(1);
    if (existing.length) return { ok: false, reason: 'exists' } as const;
    const id = randomUUID();
    const [created] = await tx
      .insert(user)
      .values({ id, email, name: input.name ?? email.split('@')[0], role: input.role, emailVerified: true })
      .returning();
    await tx.insert(account).values({
      id: randomUUID(),
      accountId: id,
      providerId: 'credential',
      userId: id,
      password: passwordHash,
    });
    return { ok: true, user: created } as const;
  });
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(user);
  return row.n;
}

/**
 * First run: when FLIGHTDECK_ADMIN_EMAIL / FLIGHTDECK_ADMIN_PASSWORD are set and no user exists, create that
 * admin. Returns whether one was created.
 */
export async function ensureFirstAdmin(db: Db, email?: string, password?: string): Promise<boolean> {
  if (!email || !password) return false;
  if ((await countUsers(db)) > 0) return false;
  const r = await createUser(db, { email, password, role: 'admin', name: 'Administrator' });
  return r.ok;
}
