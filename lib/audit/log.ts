import { auditLog, type NewAuditLogEntry } from '@/lib/db/schema';
import type { Db } from '@/lib/db/client';

export type AuditActor =
  | { kind: 'user'; id: string; email?: string; role?: string }
  | { kind: 'token'; id: string; name?: string }
  | { kind: 'system'; id?: string }
  | { kind: 'anonymous'; id?: string };

export type AuditEntry = {
  actor: AuditActor;
  action: string;
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
  const row: NewAuditLogEntry = {
    actorId: a.id ?? null,
    actorType: a.kind,
    actorLabel: a.kind === 'user' ? (a.email ?? null) : a.kind === 'token' ? (a.name ?? null) : null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    details: entry.details ?? {},
  };
  await db.insert(auditLog).values(row);
}
