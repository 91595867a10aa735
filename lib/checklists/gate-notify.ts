import { sql } from 'drizzle-orm';
import { permissionTable } from '@/lib/auth/permissions';
import { queryRows } from '@/lib/db/client';
import { checklistGateNotices, notificationDeliveries, notifications } from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { env } from '@/lib/env';
import type { Gate } from './gate';
import { roleLabel } from './markdown';
import { rolePolicy } from './policy';
import type { ApprovalPolicy } from './policy-types';
import type { Tx } from './store';

/**
 * A pending gate tells the people who may sign the roles it waits on: an in-app notification each, and their
 * webhook rules (chat) through the same outbox as pauses (lib/interventions/webhooks.ts delivers it). Each role is
 * told once (checklist_gate_notices) until it has its sign-offs again. Webhook rules filtered to pause types are
 * about pauses and are skipped; rules without a filter hear about gates too.
 */
export function buildGateWebhookPayload(gate: Gate, roles: readonly SignoffRole[]) {
  const base = env().APP_URL;
  const url = base ? `${base.replace(/\/$/, '')}/checklists/${gate.checklistId}` : null;
  const release = [gate.version, gate.environment].filter(Boolean).join(' → ');
  const text = `🚦 ${gate.title}${release ? ` (${release})` : ''} waits on sign-off: ${roles.map(roleLabel).join(', ')}`;
  const lines = gate.missing.map((m) => `• ${m.message}`).join('\n');
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      ...(lines ? [{ type: 'section', text: { type: 'mrkdwn', text: lines.slice(0, 2900) } }] : []),
      ...(url ? [{ type: 'section', text: { type: 'mrkdwn', text: `<${url}|Open in Flightdeck>` } }] : []),
    ],
    event: 'checklist.gate_pending',
    checklist: {
      id: gate.checklistId,
      title: gate.title,
      version: gate.version,
      environment: gate.environment,
      commitSha: gate.commitSha,
      state: gate.state,
      waitingOn: roles,
      missing: gate.missing.map((m) => m.message),
      url,
    },
  };
}

export async function notifyPendingGate(tx: Tx, gate: Gate, roles: SignoffRole[]) {
  const claimed = await tx
    .insert(checklistGateNotices)
    .values(roles.map((role) => ({ checklistId: gate.checklistId, role })))
    .onConflictDoNothing()
    .returning({ role: checklistGateNotices.role });
  const newRoles = claimed.map((c) => c.role as SignoffRole);
  if (!newRoles.length) return 0;
  const [{ policy }] = await queryRows<{ policy: ApprovalPolicy | null }>(
    tx,
    sql`SELECT approval_policy AS policy FROM deployment_checklists WHERE id = ${gate.checklistId}`,
  );
  // Who may sign each newly waited-on role: members of its console roles or the people it names.
  const wanted = new Map<string, SignoffRole[]>();
  const people = await queryRows<{ id: string; email: string; role: string }>(
    tx,
    sql`SELECT id, email, role FROM "user" WHERE coalesce(banned, false) = false AND role <> 'viewer'`,
  );
  for (const u of people) {
    const mine = newRoles.filter((r) => {
      const p = rolePolicy(policy, r);
      return (p.consoleRoles as readonly string[]).includes(u.role) || p.users.includes(u.email.toLowerCase());
    });
    if (mine.length) wanted.set(u.id, mine);
  }
  if (!wanted.size) return 0;
  const release = [gate.version, gate.environment].filter(Boolean).join(' → ');
  await tx.insert(notifications).values(
    [...wanted].map(([userId, mine]) => ({
      userId,
      checklistId: gate.checklistId,
      title: `${gate.title}${release ? ` (${release})` : ''} waits on your sign-off: ${mine.map(roleLabel).join(', ')}`,
      body: gate.missing.map((m) => m.message).join('\n').slice(0, 2000),
    })),
  );
  const ids = [...wanted.keys()];
  const webhookRoles = sql.join(permissionTable['notifications:webhook'].map((r) => sql`${r}`), sql`, `);
  const hooks = await queryRows<{ id: string; target_url: string }>(
    tx,
    sql`SELECT p.id, p.target_url FROM notification_preferences p JOIN "user" u ON u.id = p.user_id
        WHERE p.enabled AND p.channel = 'webhook' AND p.target_url IS NOT NULL AND u.role IN (${webhookRoles})
          AND cardinality(p.pause_types) = 0
          AND p.user_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})
        ORDER BY p.created_at, p.id`,
  );
  if (hooks.length) {
    const payload = buildGateWebhookPayload(gate, newRoles);
    await tx.insert(notificationDeliveries).values(hooks.map((h) => ({ preferenceId: h.id, targetUrl: h.target_url, payload })));
  }
  return wanted.size;
}
