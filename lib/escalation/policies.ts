import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { queryRows, type Db } from '@/lib/db/client';
import { escalationOnCall, escalationPolicies, notificationPreferences, user, type EscalationPolicy } from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { toSteps, type PolicyInput } from './schemas';

/**
 * Escalation policies and who is on call (Settings → Escalation, admins). Each save is one transaction: the row,
 * its event and its audit row. References a form cannot check (people, channels, a unique name) are checked here
 * and refused with the field they belong to, nothing written.
 */
export type SavePolicyResult =
  | { ok: true; policy: EscalationPolicy }
  | { ok: false; reason: 'not_found'; message: string }
  | { ok: false; reason: 'invalid'; message: string; fieldErrors: Record<string, string[]> };

async function unknownReferences(tx: Db, input: PolicyInput, id: string | null) {
  const errors: Record<string, string[]> = {};
  const emails = [...new Set(input.steps.flatMap((s) => [...s.users, ...(s.toUser ? [s.toUser] : [])]))];
  const known = emails.length
    ? new Set(
        (await tx.select({ email: user.email }).from(user).where(and(inArray(user.email, emails), sql`NOT coalesce(${user.banned}, false)`))).map(
          (u) => u.email,
        ),
      )
    : new Set<string>();
  const channelIds = [...new Set(input.steps.flatMap((s) => (s.channelId ? [s.channelId] : [])))];
  const channels = channelIds.length
    ? new Set(
        (
          await tx
            .select({ id: notificationPreferences.id })
            .from(notificationPreferences)
            .where(and(inArray(notificationPreferences.id, channelIds), eq(notificationPreferences.channel, 'webhook')))
        ).map((c) => c.id),
      )
    : new Set<string>();
  input.steps.forEach((s, i) => {
    const missing = s.users.filter((e) => !known.has(e));
    if (missing.length) errors[`steps.${i}.users`] = [`no active user ${missing.join(', ')}`];
    if (s.toUser && !known.has(s.toUser)) errors[`steps.${i}.toUser`] = [`no active user ${s.toUser}`];
    if (s.channelId && !channels.has(s.channelId)) errors[`steps.${i}.channelId`] = ['that channel no longer exists'];
  });
  const [clash] = await tx
    .select({ id: escalationPolicies.id })
    .from(escalationPolicies)
    .where(and(eq(escalationPolicies.name, input.name), id ? sql`${escalationPolicies.id} <> ${id}` : undefined));
  if (clash) errors.name = ['another policy already has this name'];
  return errors;
}

export async function saveEscalationPolicy(db: Db, input: PolicyInput, actor: Actor): Promise<SavePolicyResult> {
  return db.transaction(async (tx): Promise<SavePolicyResult> => {
    if (input.id) {
      const [existing] = await tx.select({ id: escalationPolicies.id }).from(escalationPolicies).where(eq(escalationPolicies.id, input.id)).for('update');
      if (!existing) return { ok: false, reason: 'not_found', message: 'That policy no longer exists.' };
    } else {
      // Two admins creating the same name at once: the second waits here and then sees the first's row.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('escalation_policies'))`);
    }
    const fieldErrors = await unknownReferences(tx, input, input.id);
    if (Object.keys(fieldErrors).length) return { ok: false, reason: 'invalid', message: 'Please correct the highlighted fields.', fieldErrors };
    const values = {
      name: input.name,
      enabled: input.enabled,
      projects: input.projects,
      pauseTypes: input.pauseTypes,
      steps: toSteps(input),
      updatedBy: actorLabel(actor),
      updatedAt: sql`now()`,
    };
    const [policy] = input.id
      ? await tx.update(escalationPolicies).set(values).where(eq(escalationPolicies.id, input.id)).returning()
      : await tx.insert(escalationPolicies).values(values).returning();
    const verb = input.id ? 'policy_update' : 'policy_create';
    await appendEvent(tx, {
      eventType: `escalation_${verb}`,
      aggregateType: 'escalation_policy',
      aggregateId: policy.id,
      metadata: { actor_id: actorLabel(actor), name: policy.name },
    });
    await recordAudit(tx, {
      actor,
      action: `escalation.${verb}`,
      targetType: 'escalation_policy',
      targetId: policy.id,
      outcome: 'success',
      details: { name: policy.name, enabled: policy.enabled, projects: policy.projects, pauseTypes: policy.pauseTypes, steps: policy.steps },
    });
    return { ok: true, policy };
  });
}

export async function deleteEscalationPolicy(db: Db, input: { id: string }, actor: Actor) {
  return db.transaction(async (tx): Promise<{ ok: true } | { ok: false; reason: 'not_found'; message: string }> => {
    const [gone] = await tx.delete(escalationPolicies).where(eq(escalationPolicies.id, input.id)).returning();
    if (!gone) return { ok: false, reason: 'not_found', message: 'That policy no longer exists.' };
    await appendEvent(tx, {
      eventType: 'escalation_policy_delete',
      aggregateType: 'escalation_policy',
      aggregateId: gone.id,
      metadata: { actor_id: actorLabel(actor), name: gone.name },
    });
    await recordAudit(tx, {
      actor,
      action: 'escalation.policy_delete',
      targetType: 'escalation_policy',
      targetId: gone.id,
      outcome: 'success',
      details: { name: gone.name },
    });
    return { ok: true };
  });
}

/** Puts a person on call for a role, or takes them off; "reassign to on call" picks the earliest still on call. */
export async function setOnCall(db: Db, input: { role: string; userId: string; onCall: boolean }, actor: Actor) {
  return db.transaction(async (tx): Promise<{ ok: true; changed: boolean } | { ok: false; reason: 'not_found'; message: string }> => {
    const [person] = await tx.select({ id: user.id, email: user.email }).from(user).where(eq(user.id, input.userId));
    if (!person) return { ok: false, reason: 'not_found', message: 'That user no longer exists.' };
    const role = input.role as (typeof escalationOnCall.$inferInsert)['role'];
    const rows = input.onCall
      ? await tx.insert(escalationOnCall).values({ role, userId: person.id }).onConflictDoNothing().returning()
      : await tx
          .delete(escalationOnCall)
          .where(and(eq(escalationOnCall.role, role), eq(escalationOnCall.userId, person.id)))
          .returning();
    if (!rows.length) return { ok: true, changed: false };
    await recordAudit(tx, {
      actor,
      action: input.onCall ? 'escalation.on_call' : 'escalation.off_call',
      targetType: 'user',
      targetId: person.id,
      outcome: 'success',
      details: { email: person.email, role: input.role },
    });
    return { ok: true, changed: true };
  });
}

export async function listEscalationPolicies(db: Db) {
  return db.select().from(escalationPolicies).orderBy(asc(escalationPolicies.createdAt), asc(escalationPolicies.id));
}

export async function listOnCall(db: Db) {
  return queryRows<{ role: string; user_id: string; email: string; since: Date }>(
    db,
    sql`SELECT o.role, o.user_id, u.email, o.since FROM escalation_on_call o JOIN "user" u ON u.id = o.user_id ORDER BY o.role, o.since, u.email`,
  );
}

/** The channels a notify step may use: every saved webhook destination, named by its owner and host. */
export async function listEscalationChannels(db: Db) {
  const rows = await queryRows<{ id: string; email: string; target_url: string }>(
    db,
    sql`SELECT p.id, u.email, p.target_url FROM notification_preferences p JOIN "user" u ON u.id = p.user_id
        WHERE p.channel = 'webhook' AND p.target_url IS NOT NULL ORDER BY u.email, p.created_at`,
  );
  return rows.map((r) => ({ id: r.id, label: `${URL.canParse(r.target_url) ? new URL(r.target_url).host : 'webhook'} (${r.email})` }));
}
