import { auditLog, type NewAuditLogEntry } from '@/lib/db/schema';
import type { Actor } from '@/lib/auth/actor';
import type { Db } from '@/lib/db/client';

/**
 * The one audit writer. Action names are `<domain>.<verb>` (`intervention.resume`, `checklist.signoff`,
 * `auth.sign_in`); rows written before this vocabulary keep their old names (`interventions:resume`), and the
 * audit page's filter matches both (lib/audit/queries.ts). Commands call it inside their own transaction.
 */
export type AuditEntry = {
  /** `anonymous`: nobody is signed in (a failed sign-in, the first-run setup). */
  actor: Actor | { kind: 'anonymous' };
  action: `${string}.${string}`;
  targetType?: string;
  targetId?: string;
  outcome: 'success' | 'denied' | 'failure';
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
};

/** Appends to audit_log. Pass the transaction to record an action atomically with the change it describes. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  const a = entry.actor;
  const who =
    a.kind === 'user'
      ? { actorName: a.name, role: a.role, via: a.via, ...(a.viaToken ? { token: a.viaToken } : {}) }
      : a.kind === 'anonymous'
        ? {}
        : { via: a.via };
  const row: NewAuditLogEntry = {
    actorId: a.kind === 'anonymous' ? null : a.id,
    actorType: a.kind,
    actorLabel: a.kind === 'user' ? a.email : a.kind === 'anonymous' ? null : a.name,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? (a.kind === 'anonymous' ? null : a.ip) ?? null,
    userAgent: entry.userAgent ?? (a.kind === 'anonymous' ? null : a.userAgent) ?? null,
    details: { ...who, ...entry.details },
  };
  await db.insert(auditLog).values(row);
}
