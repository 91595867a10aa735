import { apiRoute, json } from '@/lib/api/handler';
import { replayStored } from '@/lib/api/idempotency';
import { ToolExecutionsBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { ingestToolExecutions, ingestToolExecutionsOnce } from '@/lib/tools/ingest';

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

/**
 * An execution older than the retention would be pruned at once and would rewrite finished roll-up days
 * (year 0001 included): refused with 422 naming each field, before anything is written.
 */
function refuseExpiredTimestamps(executions: Array<{ createdAt?: string }>, batch: boolean) {
  const days = env().TOOL_HISTORY_RETENTION_DAYS;
  const oldest = Date.now() - days * 86_400_000;
  const stale = executions.flatMap((e, i) => (e.createdAt && Date.parse(e.createdAt) < oldest ? [i] : []));
  if (!stale.length) return;
  throw new AppError('unprocessable', 'The request body is invalid', {
    fields: stale.slice(0, 50).map((i) => ({
      path: batch ? `${i}.createdAt` : 'createdAt',
      message: `must not be older than ${days} days (the tool history retention)`,
    })),
  });
}
