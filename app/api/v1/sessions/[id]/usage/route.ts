import { randomUUID } from 'node:crypto';
import { apiRoute, json, requireId } from '@/lib/api/handler';
import { SessionUsageBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { recordSignOfLife } from '@/lib/interventions/liveness';
import { enforceBudgets, getBudgetStatus } from '@/lib/usage/budget';
import { recordSessionUsage } from '@/lib/usage/record';

/**
 * The agent reports tokens and cost for its session (lib/usage/record.ts, the usage_records table). Idempotent like
 * every POST (Idempotency-Key), and by usageId too. A report that reaches a budget pauses the session (`budget`); the
 * answer says so, and the agent's next control call answers `wait` with the reason.
 */
export const POST = apiRoute<typeof SessionUsageBody, undefined, { id: string }>(
  { scopes: ['ingest'], body: SessionUsageBody },
  async ({ db, body, params, actor }) => {
    const sessionId = requireId(params.id, 'session');
    if (!(await recordSignOfLife(db, { sessionIds: [sessionId] }, actor)).has(sessionId)) {
      throw new AppError('not_found', 'No session with this id');
    }
    const { inserted } = await recordSessionUsage(db, {
      records: [
        {
          usageId: body.usageId ?? randomUUID(),
          sessionId,
          model: body.model,
          inputTokens: body.inputTokens,
          outputTokens: body.outputTokens,
          cost: body.costUsd,
          source: 'api',
        },
      ],
    });
    const paused = (await enforceBudgets(db, { sessionIds: [sessionId] })).get(sessionId) ?? null;
    const status = await getBudgetStatus(db, { sessionId });
    if (!status) throw new AppError('not_found', 'No session with this id');
    return json(200, { recorded: inserted.length > 0, usage: status.usage, budget: status.budget, paused });
  },
);
