import { randomUUID } from 'node:crypto';
import type { ActorOf } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';
import { user } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { saveEscalationPolicy } from '@/lib/escalation/policies';
import { policySchema } from '@/lib/escalation/schemas';

/** Test builders for escalation: people of a role and a policy saved through the admin's command. */
export const admin: ActorOf<'user'> = { kind: 'user', id: 'u-admin', email: 'admin@example.com', name: 'admin', role: 'admin', via: 'browser' };

export async function makeUser(db: Db, role: Role, name = `${role}-${randomUUID().slice(0, 6)}`) {
  const [u] = await db.insert(user).values({ id: `u-${name}`, name, email: `${name}@example.com`, role }).returning();
  return u;
}

export async function makePolicy(db: Db, form: Record<string, unknown>) {
  const parsed = policySchema.safeParse({ name: `policy-${randomUUID().slice(0, 8)}`, enabled: true, ...form });
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const r = await saveEscalationPolicy(db, parsed.data, admin);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.policy;
}
