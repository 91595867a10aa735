import { apiRoute, json } from '@/lib/api/handler';
import { ToolExecutionsBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/db/errors';
import { ingestToolExecutions } from '@/lib/tools/ingest';

/** One tool execution or a batch of up to 1000, keyed by the client executionId. */
export const POST = apiRoute({ scopes: ['ingest'], body: ToolExecutionsBody }, async ({ db, body }) => {
  const batch = Array.isArray(body);
  const r = await ingestToolExecutions(db, { executions: batch ? body : [body] });
  if (!r.ok) {
    throw new AppError('unprocessable', 'Unknown sessionId', {
      fields: r.indexes.slice(0, 50).map((i) => ({ path: batch ? `${i}.sessionId` : 'sessionId', message: 'no session with this id' })),
    });
  }
  const { received, inserted, duplicates } = r;
  return json(200, { received, inserted, duplicates });
});
