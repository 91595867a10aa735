import { apiRoute, json } from '@/lib/api/handler';
import { replayStored } from '@/lib/api/idempotency';
import { EventsBody } from '@/lib/api/schemas';
import { ingestEvents, ingestEventsOnce } from '@/lib/events/ingest';

/**
 * One event or a batch of up to 1000; replays of a client eventId are counted as duplicates, not stored twice.
 * One prepared statement either way (lib/events/ingest.ts, drizzle/0006): with an Idempotency-Key it also claims
 * the key and stores the answer, in the same round trip.
 */
export const POST = apiRoute({ scopes: ['ingest'], body: EventsBody, ownIdempotency: true }, async ({ db, body, idempotency }) => {
  const events = Array.isArray(body) ? body : [body];
  if (!idempotency) return json(200, await ingestEvents(db, { events }));
  const r = await ingestEventsOnce(db, { ...idempotency, events });
  if (r.replayed) {
    return replayStored({ responseStatus: r.status, responseBody: r.body, requestHash: r.requestHash ?? '' }, idempotency.requestHash);
  }
  return json(r.status ?? 500, r.body);
});
