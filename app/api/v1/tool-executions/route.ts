import { randomUUID } from 'node:crypto';
import { apiRoute, json } from '@/lib/api/handler';
import { replayStored } from '@/lib/api/idempotency';
import { ToolExecutionsBody } from '@/lib/api/schemas';
import { AppError } from '@/lib/errors';
import { recordSignOfLife, resumeTimedOutSessions } from '@/lib/interventions/liveness';
import type { TouchedSession } from '@/lib/sessions/heartbeats';
import { ingestToolExecutions, ingestToolExecutionsAndTouch, ingestToolExecutionsOnce, refuseExpiredTimestamps, type IngestToolExecution } from '@/lib/tools/ingest';
import { enforceBudgets } from '@/lib/usage/budget';
import { recordSessionUsage } from '@/lib/usage/record';

type Item = IngestToolExecution & { model?: string; inputTokens?: number; outputTokens?: number; costUsd?: number };

/**
 * One tool execution or a batch of up to 1000, keyed by the client executionId. The agents' hottest call: with an
 * Idempotency-Key it is one database statement that claims the key, ingests, stores the answer and marks the named
 * sessions alive (lib/tools/ingest.ts, drizzle/0004), without one a single statement that ingests and marks them. Executions that carry usage
 * (tokens, cost, model) also store it (usage id = execution id) in the same transaction, then the sessions' budgets
 * are checked (lib/usage/budget.ts); the sessions named are marked alive (lib/interventions/liveness.ts).
 */
export const POST = apiRoute({ scopes: ['ingest'], body: ToolExecutionsBody, ownIdempotency: true }, async ({ db, body, idempotency, actor }) => {
  const batch = Array.isArray(body);
  const executions: Item[] = (batch ? body : [body]).map((e) => ({ ...e }));
  refuseExpiredTimestamps(executions, batch);
  const withUsage = usageOf(executions, batch);
  let reply;
  /** Set when the sign of life already happened in the ingest statement. */
  let touched: TouchedSession[] | null = null;
  if (idempotency) {
    // Claim, ingest, answer and sign of life in one statement; with usage, the usage rows join it in one transaction.
    const once = (d: typeof db) => ingestToolExecutionsOnce(d, { ...idempotency, executions, batch });
    const r = withUsage.length
      ? await db.transaction(async (tx) => {
          const applied = await once(tx);
          if (!applied.replayed && applied.status === 200) await recordSessionUsage(tx, { records: withUsage });
          return applied;
        })
      : await once(db);
    if (r.replayed) {
      return replayStored({ responseStatus: r.status, responseBody: r.body, requestHash: r.requestHash ?? '' }, idempotency.requestHash);
    }
    touched = r.touched;
    reply = json(r.status ?? 500, r.body);
    if (r.status !== 200) return reply;
  } else {
    // Without usage, the common case: ingest and sign of life in one statement.
    const plain = withUsage.length ? null : await ingestToolExecutionsAndTouch(db, { executions });
    const r = plain
      ? plain.result
      : await db.transaction(async (tx) => {
          const ingested = await ingestToolExecutions(tx, { executions });
          if (ingested.ok) await recordSessionUsage(tx, { records: withUsage });
          return ingested;
        });
    if (!r.ok) {
      throw new AppError('unprocessable', 'Unknown sessionId', {
        fields: r.indexes.slice(0, 50).map((i) => ({ path: batch ? `${i}.sessionId` : 'sessionId', message: 'no session with this id' })),
      });
    }
    touched = plain?.touched ?? null;
    const { received, inserted, duplicates } = r;
    reply = json(200, { received, inserted, duplicates });
  }
  if (touched) await resumeTimedOutSessions(db, touched, actor);
  else {
    const sessionIds = executions.flatMap((e) => (e.sessionId ? [e.sessionId] : []));
    if (sessionIds.length) await recordSignOfLife(db, { sessionIds }, actor);
  }
  if (withUsage.length) await enforceBudgets(db, { sessionIds: withUsage.map((u) => u.sessionId) });
  return reply;
});

/**
 * The usage rows of the executions that report usage: each needs its session (the budget it counts against) and
 * gets an execution id if it has none (the usage id, so a replayed execution's usage is stored once too).
 */
function usageOf(executions: Item[], batch: boolean) {
  const has = (e: Item) => e.model !== undefined || e.inputTokens !== undefined || e.outputTokens !== undefined || e.costUsd !== undefined;
  const orphans = executions.flatMap((e, i) => (has(e) && !e.sessionId ? [i] : []));
  if (orphans.length) {
    throw new AppError('unprocessable', 'The request body is invalid', {
      fields: orphans.slice(0, 50).map((i) => ({ path: batch ? `${i}.sessionId` : 'sessionId', message: 'required when the execution reports usage' })),
    });
  }
  return executions.filter(has).map((e) => {
    e.executionId ??= randomUUID();
    const { model, inputTokens, outputTokens, costUsd } = e;
    return { usageId: e.executionId, sessionId: e.sessionId!, model, inputTokens, outputTokens, cost: costUsd, source: 'tool_execution' };
  });
}
