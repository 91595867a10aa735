import type { Db } from '@/lib/db/client';
import { executionEvents, type EventMetadata } from '@/lib/db/schema';

export type AppendEvent = {
  eventType: string;
  aggregateType: 'session' | 'checklist' | string;
  aggregateId: string;
  metadata?: EventMetadata;
};

/**
 * Appends to the event store. State transitions call this with their transaction so that the change and
 * its event commit together and a session's timeline is one ordered read.
 */
export async function appendEvent(tx: Db, event: AppendEvent) {
  await tx.insert(executionEvents).values({
    eventType: event.eventType,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    metadata: event.metadata ?? {},
  });
}
