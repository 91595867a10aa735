import { inArray } from 'drizzle-orm';
import { apiRoute, json } from '@/lib/api/handler';
import { UsageBody } from '@/lib/api/schemas';
import { agentSessions } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enforceBudgets } from '@/lib/usage/budget';
import { recordUsage } from '@/lib/usage/record';

/**
 * Token usage and cost from an agent that does not speak OTLP: one report or a batch of up to 1000, keyed by the
 * client usageId (lib/usage/record.ts, the same table the OTLP receiver fills). With an Idempotency-Key the
 * handler's transaction stores the answer too; the whole batch is refused before anything is written.
 */
export const POST = apiRoute({ scopes: ['ingest'], body: UsageBody }, async ({ db, body }) => {
  const batch = Array.isArray(body);
  const reports = batch ? body : [body];
  const at = (i: number, field: string) => (batch ? `${i}.${field}` : field);
  const ids = [...new Set(reports.flatMap((r) => (r.sessionId ? [r.sessionId.toLowerCase()] : [])))];
  const projects = new Map<string, string>();
  if (ids.length) {
    const rows = await db.select({ id: agentSessions.id, project: agentSessions.project }).from(agentSessions).where(inArray(agentSessions.id, ids));
    for (const r of rows) projects.set(r.id, r.project);
  }
  const unknown = reports.flatMap((r, i) => (r.sessionId && !projects.has(r.sessionId.toLowerCase()) ? [i] : []));
  if (unknown.length) {
    throw new AppError('not_found', 'Unknown sessionId', {
      fields: unknown.slice(0, 50).map((i) => ({ path: at(i, 'sessionId'), message: 'no session with this id' })),
    });
  }
  const fields: Array<{ path: string; message: string }> = [];
  const records = reports.map((r, i) => {
    const own = r.sessionId ? projects.get(r.sessionId.toLowerCase()) : undefined;
    if (!r.sessionId && !r.project) fields.push({ path: at(i, 'project'), message: 'required when there is no sessionId' });
    if (own !== undefined && r.project !== undefined && r.project !== own) {
      fields.push({ path: at(i, 'project'), message: "does not match the session's project" });
    }
    return { ...r, sessionId: r.sessionId?.toLowerCase() ?? null, project: own ?? r.project ?? '', source: 'api' };
  });
  if (fields.length) throw new AppError('unprocessable', 'The request body is invalid', { fields: fields.slice(0, 50) });
  const { inserted, duplicates } = await recordUsage(db, { records });
  // A report that reaches a session's (or its project's daily) budget pauses the session (lib/usage/budget.ts).
  await enforceBudgets(db, { sessionIds: ids });
  return json(200, { received: records.length, inserted, duplicates });
});
