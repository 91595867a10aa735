import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

export type CorrelatedEvent = {
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  metadata: Record<string, unknown>;
  created_at: Date;
};

/**
 * Events sharing one correlation id (an OTLP trace id, a request id an agent sent), oldest first: an index lookup on
 * idx_execution_events_correlation, as the Sessions search does.
 */
export async function listEventsByCorrelation(db: Db, input: { correlationId: string; limit?: number }) {
  return queryRows<CorrelatedEvent>(
    db,
    sql`SELECT event_id, event_type, aggregate_type, aggregate_id, metadata, created_at
          FROM execution_events
         WHERE (metadata->>'correlation_id') = ${input.correlationId}
         ORDER BY created_at ASC, id ASC
         LIMIT ${input.limit ?? 100}`,
  );
}
