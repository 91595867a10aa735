import { randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { account, session, user, type User } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { ConfigError } from '@/lib/env';
import { checkPassword } from './password-policy';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export { MIN_PASSWORD_LENGTH } from './password-policy';

/** A password refused by lib/auth/password-policy.ts; `message` names the reason, for the password field. */
export type WeakPassword = { ok: false; reason: 'weak_password'; message: string };

async function insertUser(
  tx: Tx,
  input: { email: string; name?: string; role: Role; passwordHash: string },
): Promise<{ ok: true; user: User } | { ok: false; reason: 'exists' }> {
  const email = input.email.trim().toLowerCase();
  const existing = await tx.select({ id: user.id }).from(user).where(eq(user.email, email)).limit(1);
  if (existing.length) return { ok: false, reason: 'exists' };
  const id = randomUUID();
  const [created] = await tx
    .insert(user)
    .values({ id, email, name: input.name?.trim() || email.split('@')[0], role: input.role, emailVerified: true })
    .returning();
  await tx.insert(account).values({
    id: randomUUID(),
    accountId: id,
    providerId: 'credential',
    userId: id,
    password: input.passwordHash,
  });
  return { ok: true, user: created };
}

/** Creates a person who signs in with email + password (Better Auth's "credential" account). */
export async function createUser(
  db: Db,
  input: { email: string; name?: string; role: Role; password: string },
): Promise<{ ok: true; user: User } | { ok: false; reason: 'exists' } | WeakPassword> {
  const check = checkPassword(input.password, input);
  if (!check.ok) return { ok: false, reason: 'weak_password', message: check.message };
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => insertUser(tx, { ...input, passwordHash }));
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(user);
  return row.n;
}

/**
 * Creates the first admin only while no user exists. Two set-up requests (or a set-up page and the start-up
 * variables) racing each other are serialised by a transaction-scoped advisory lock, so at most one wins.
 */
export async function createFirstAdmin(
  db: Db,
  input: { email: string; name?: string; password: string },
): Promise<{ ok: true; user: User } | { ok: false; reason: 'users_exist' } | WeakPassword> {
  const check = checkPassword(input.password, input);
  if (!check.ok) return { ok: false, reason: 'weak_password', message: check.message };
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('flightdeck:first-admin'))`);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(user);
    if (row.n > 0) return { ok: false, reason: 'users_exist' } as const;
    const r = await insertUser(tx, { ...input, role: 'admin', name: input.name ?? 'Administrator', passwordHash });
    if (!r.ok) return { ok: false, reason: 'users_exist' } as const;
    return r;
  });
}

/**
 * First run: when FLIGHTDECK_ADMIN_EMAIL / FLIGHTDECK_ADMIN_PASSWORD are set and no user exists, create that
 * admin. Returns whether one was created.
 */
export async function ensureFirstAdmin(db: Db, email?: string, password?: string): Promise<boolean> {
  if (!email || !password) return false;
  if ((await countUsers(db)) > 0) return false;
  const r = await createFirstAdmin(db, { email, password, name: 'Administrator' });
  if (!r.ok && r.reason === 'weak_password') throw new ConfigError(`Invalid configuration: FLIGHTDECK_ADMIN_PASSWORD is refused: ${r.message}`);
  return r.ok;
}

export async function listUsers(db: Db) {
  return db
    .select({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      banned: user.banned,
      slackUserId: user.slackUserId,
      createdAt: user.createdAt,
      lastSignInAt: sql<Date | null>`(SELECT max(${session.createdAt}) FROM ${session} WHERE ${session.userId} = ${user.id})`,
    })
    .from(user)
    .orderBy(desc(user.createdAt))
    .limit(500);
}

export type UserChange =
  | { ok: true; user: User; previousRole: string }
  | { ok: false; reason: 'not_found' | 'last_admin' | 'unchanged' };

/**
 * Changes a person's role. Refuses to demote the last active admin (nobody could manage users afterwards);
 * the lock on the user rows makes two concurrent demotions of the last two admins safe.
 */
export async function changeUserRole(db: Db, input: { userId: string; role: Role }): Promise<UserChange> {
  return db.transaction(async (tx) => {
    const [target] = await tx.select().from(user).where(eq(user.id, input.userId)).for('update');
    if (!target) return { ok: false, reason: 'not_found' } as const;
    if (target.role === input.role) return { ok: false, reason: 'unchanged' } as const;
    if (target.role === 'admin' && !target.banned && (await otherActiveAdmins(tx, target.id)) === 0) {
      return { ok: false, reason: 'last_admin' } as const;
    }
    const [updated] = await tx
      .update(user)
      .set({ role: input.role, updatedAt: sql`now()` })
      .where(eq(user.id, target.id))
      .returning();
    return { ok: true, user: updated, previousRole: target.role } as const;
  });
}

async function otherActiveAdmins(tx: Tx, exceptId: string) {
  const rows = await tx
    .select({ id: user.id })
    .from(user)
    .where(and(eq(user.role, 'admin'), ne(user.id, exceptId), sql`coalesce(${user.banned}, false) = false`))
    .for('update');
  return rows.length;
}

/**
 * Deactivates (or reactivates) a person. Deactivation also deletes their sessions in the same transaction,
 * so an open browser loses access at its next request rather than when its cookie expires.
 */
export async function setUserActive(
  db: Db,
  input: { userId: string; active: boolean },
): Promise<{ ok: true; user: User; endedSessions: number } | { ok: false; reason: 'not_found' | 'last_admin' | 'unchanged' }> {
  return db.transaction(async (tx) => {
    const [target] = await tx.select().from(user).where(eq(user.id, input.userId)).for('update');
    if (!target) return { ok: false, reason: 'not_found' } as const;
    if (!target.banned === input.active) return { ok: false, reason: 'unchanged' } as const;
    if (!input.active && target.role === 'admin' && (await otherActiveAdmins(tx, target.id)) === 0) {
      return { ok: false, reason: 'last_admin' } as const;
    }
    const [updated] = await tx
      .update(user)
      .set({ banned: !input.active, banReason: input.active ? null : 'deactivated by an admin', updatedAt: sql`now()` })
      .where(eq(user.id, target.id))
      .returning();
    const ended = input.active
      ? []
      : await tx.delete(session).where(eq(session.userId, target.id)).returning({ id: session.id });
    return { ok: true, user: updated, endedSessions: ended.length } as const;
  });
}
