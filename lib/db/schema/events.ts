import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export type EventMetadata = {
  conversation_id?: string;
  actor_id?: string;
  execution_order?: number;
  status?: string;
  duration_ms?: number;
  retry_count?: number;
  correlation_id?: string;
  output?: unknown;
  [key: string]: unknown;
};

/**
 * Partitioned by month on created_at (drizzle/0010; Drizzle does not model partitioning, the migration does):
 * execution_events_pYYYYMM plus execution_events_default. The primary key includes the partition key, and event_id
 * is unique per partition (a constraint on each leaf); lib/events/partitions.ts creates and drops partitions.
 */
export const executionEvents = pgTable(
  'execution_events',
  {
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    // Client-supplied id (or generated): replays of the same event are ignored (fd_ingest_events, drizzle/0010).
    eventId: uuid('event_id').notNull().defaultRandom(),
    eventType: text('event_type').notNull(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    metadata: jsonb('metadata').$type<EventMetadata>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'execution_events_pkey', columns: [t.id, t.createdAt] }),
    // Seeds: lookup by aggregate; created_at appended so a session timeline is one ordered index scan.
    index('idx_execution_events_aggregate').on(t.aggregateType, t.aggregateId, t.createdAt),
    // Seeds: filter by conversation (debugging, correlation search).
    index('idx_execution_events_conversation').using('btree', sql`(${t.metadata}->>'conversation_id')`),
    // Sessions list: search by correlation id (exact match on metadata->>'correlation_id').
    index('idx_execution_events_correlation').using('btree', sql`(${t.metadata}->>'correlation_id')`),
    // Seeds: time-based monitoring queries.
    index('idx_execution_events_created').on(t.createdAt.desc()),
  ],
);

export type ExecutionEvent = typeof executionEvents.$inferSelect;
export type NewExecutionEvent = typeof executionEvents.$inferInsert;
