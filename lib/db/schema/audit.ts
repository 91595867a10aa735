import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { auditOutcomes, inList } from './enums';

// Append-only: a trigger (drizzle/0001_views_and_triggers.sql) refuses UPDATE and DELETE.
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    actorId: text('actor_id'),
    actorType: text('actor_type').notNull(),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: auditOutcomes }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('audit_log_outcome_check', sql.raw(`outcome IN (${inList(auditOutcomes)})`)),
    check('audit_log_actor_type_check', sql`${t.actorType} IN ('user', 'token', 'system', 'anonymous')`),
    // Admin audit page: newest first, filtered by actor / action / target.
    index('idx_audit_log_created').on(t.createdAt.desc(), t.id.desc()),
    index('idx_audit_log_actor').on(t.actorId, t.createdAt.desc()),
    index('idx_audit_log_action').on(t.action, t.createdAt.desc()),
    index('idx_audit_log_target').on(t.targetType, t.targetId),
    // A checklist's history (lib/checklists/queries.ts getChecklistHistory): its rows carry details.checklistId.
    index('idx_audit_log_checklist')
      .on(sql`(${t.details}->>'checklistId')`, t.id.desc())
      .where(sql`${t.details} ? 'checklistId'`),
  ],
);

export type AuditLogEntry = typeof auditLog.$inferSelect;
export type NewAuditLogEntry = typeof auditLog.$inferInsert;
