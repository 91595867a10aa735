import { apiRoute, json } from '@/lib/api/handler';
import { EventsBody } from '@/lib/api/schemas';
import { ingestEvents } from '@/lib/events/ingest';

/** One event or a batch of up to 1000; replays of a client eventId are counted as duplicates, not stored twice. */
export const POST = apiRoute({ scopes: ['ingest'], body: EventsBody }, async ({ db, body }) => {
  const events = Array.isArray(body) ? body : [body];
  return json(200, await ingestEvents(db, { events }));
});
