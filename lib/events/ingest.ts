import { randomUUID } from 'node:crypto';
import type { Db } from '@/lib/db/client';
import { executionEvents, type EventMetadata } from '@/lib/db/schema';

export type IngestEvent = {
  eventId?: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  metadata?: EventMetadata;
};

export type IngestResult = { received: number; inserted: number; duplicates: number };

/**
 * Agent events, one multi-row INSERT per batch (a batch is one statement, so never half-written). The client
 * event id is the natural key: a replayed event hits ON CONFLICT DO NOTHING and counts as a duplicate.
 */
export async function ingestEvents(db: Db, input: { events: IngestEvent[] }): Promise<IngestResult> {
  if (!input.events.length) return { received: 0, inserted: 0, duplicates: 0 };
  const rows = input.events.map((e) => ({
    eventId: e.eventId?.toLowerCase() ?? randomUUID(),
    eventType: e.eventType,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    metadata: e.metadata ?? {},
  }));
  const inserted = await db
    .insert(executionEvents)
    .values(rows)
    .onConflictDoNothing({ target: executionEvents.eventId })
    .returning({ id: executionEvents.id });
  return { received: rows.length, inserted: inserted.length, duplicates: rows.length - inserted.length };
}
