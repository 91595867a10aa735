import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agentSessions } from './sessions';

/**
 * Tokens and cost agents report (today through OTLP's gen_ai.usage.* attributes, lib/otlp): the rows a session's or
 * project's budget adds up. Hand-written migration drizzle/0008_usage_records.sql.
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // Client (or derived) id: a replayed report is stored once.
    usageId: uuid('usage_id').notNull().unique('usage_records_usage_id_key'),
    sessionId: uuid('session_id').references(() => agentSessions.id, { onDelete: 'cascade' }),
    project: text('project').notNull(),
    model: text('model'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cost: numeric('cost', { precision: 18, scale: 6, mode: 'number' }),
    source: text('source').notNull().default('api'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('usage_records_tokens_check', sql`${t.inputTokens} >= 0 AND ${t.outputTokens} >= 0 AND (${t.cost} IS NULL OR ${t.cost} >= 0)`),
    // A session's usage (its budget), in time order.
    index('idx_usage_records_session').on(t.sessionId, t.createdAt),
    // A project's usage over a period (its budget).
    index('idx_usage_records_project').on(t.project, t.createdAt),
  ],
);

export type UsageRecord = typeof usageRecords.$inferSelect;
export type NewUsageRecord = typeof usageRecords.$inferInsert;
