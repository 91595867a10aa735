import { apiRoute, json } from '@/lib/api/handler';
import { replayStored } from '@/lib/api/idempotency';
import { ToolExecutionsBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { ingestToolExecutions, ingestToolExecutionsOnce, refuseExpiredTimestamps } from '@/lib/tools/ingest';

/**
 * One tool execution or a batch of up to 1000, keyed by the client executionId. The agents' hottest call: with an
 * Idempotency-Key it is one database statement that claims the key, ingests and stores the answer
 * (lib/tools/ingest.ts, drizzle/0004), without one a single insert statement.
 */
export const POST = apiRoute({ scopes: ['ingest'], body: ToolExecutionsBody, ownIdempotency: true }, async ({ db, body, idempotency }) => {
  const batch = Array.isArray(body);
  const executions = batch ? body : [body];
  refuseExpiredTimestamps(executions, batch);
  if (idempotency) {
    const r = await ingestToolExecutionsOnce(db, { ...idempotency, executions, batch });
    if (r.replayed) {
      return replayStored({ responseStatus: r.status, responseBody: r.body, requestHash: r.requestHash ?? '' }, idempotency.requestHash);
    }
    return json(r.status ?? 500, r.body);
  }
  const r = await ingestToolExecutions(db, { executions });
  if (!r.ok) {
    throw new AppError('unprocessable', 'Unknown sessionId', {
      fields: r.indexes.slice(0, 50).map((i) => ({ path: batch ? `${i}.sessionId` : 'sessionId', message: 'no session with this id' })),
    });
  }
  const { received, inserted, duplicates } = r;
  return json(200, { received, inserted, duplicates });
});
