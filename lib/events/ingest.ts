import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import type { EventMetadata } from '@/lib/db/schema';

export type IngestEvent = {
  eventId?: string;
  eventType: string;
  aggregateType?: string;
  aggregateId: string;
  metadata?: EventMetadata;
};

export type IngestResult = { received: number; inserted: number; duplicates: number };

/**
 * Agent events, one prepared statement per batch whatever its size (fd_ingest_events, drizzle/0007): the batch goes
 * as one jsonb parameter, so the statement text never changes and each pooled connection parses it once; a batch
 * is one round trip and one statement, so never half-written. The client event id is the natural key: a replayed
 * event — from an earlier batch or earlier in the same one — hits ON CONFLICT DO NOTHING and counts as a duplicate.
 * A missing event id gets a fresh one in the database, a missing aggregateType is 'session'.
 */
export async function ingestEvents(db: Db, input: { events: IngestEvent[] }): Promise<IngestResult> {
  const received = input.events.length;
  if (!received) return { received: 0, inserted: 0, duplicates: 0 };
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT fd_ingest_events(${JSON.stringify(input.events)}::jsonb) AS n`, {
    prepare: true,
  });
  const inserted = Number(n);
  return { received, inserted, duplicates: received - inserted };
}

/**
 * The same under an Idempotency-Key in one autocommit statement (fd_ingest_events_once): claims the key, ingests,
 * stores the answer. `replayed` answers come from the key row; the caller checks their requestHash
 * (lib/api/idempotency.ts replayStored).
 */
export async function ingestEventsOnce(
  db: Db,
  input: { principal: string; key: string; method: string; path: string; requestHash: string; events: IngestEvent[] },
): Promise<{ replayed: boolean; status: number | null; body: unknown; requestHash?: string }> {
  const [{ r }] = await queryRows<{ r: { replayed: boolean; status: number | null; body: unknown; requestHash?: string } }>(
    db,
    sql`SELECT fd_ingest_events_once(${input.principal}, ${input.key}, ${input.method}, ${input.path}, ${input.requestHash},
          ${JSON.stringify(input.events)}::jsonb) AS r`,
    { prepare: true },
  );
  return r;
}
