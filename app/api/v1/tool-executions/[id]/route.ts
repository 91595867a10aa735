import { apiRoute, json, requireId } from '@/lib/api/handler';
import { SatisfactionBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { rateToolExecution } from '@/lib/tools/ingest';

/** The end user's rating (1–5) of one tool execution, by its client executionId. */
export const PATCH = apiRoute<typeof SatisfactionBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: SatisfactionBody },
  async ({ db, body, params }) => {
    const r = await rateToolExecution(db, { executionId: requireId(params.id, 'tool execution'), userSatisfaction: body.userSatisfaction });
    if (!r.ok) throw new AppError('not_found', 'No tool execution with this id');
    return json(200, { executionId: r.executionId, userSatisfaction: r.userSatisfaction });
  },
);
