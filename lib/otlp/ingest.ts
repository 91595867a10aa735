import type { Db } from '@/lib/db/client';
import { ingestEvents } from '@/lib/events/ingest';
import { createSession } from '@/lib/sessions/commands';
import { ingestToolExecutions } from '@/lib/tools/ingest';
import { recordUsage } from '@/lib/usage/record';
import type { TracePlan } from './map';

export type TraceIngestResult = {
  sessions: number;
  events: { inserted: number; duplicates: number };
  toolExecutions: { inserted: number; duplicates: number };
  usage: { inserted: number; duplicates: number };
};

/**
 * Writes a planned OTLP export (lib/otlp/map.ts) in one transaction through the domain's own commands: the
 * sessions (idempotent on project + externalId, as POST /api/v1/sessions), then the span events, tool executions
 * and usage records (idempotent on their derived client ids, so an exporter's retry changes nothing). Any failure
 * rolls all of it back.
 */
export async function ingestTraces(db: Db, plan: TracePlan): Promise<TraceIngestResult> {
  const none = { inserted: 0, duplicates: 0 };
  if (!plan.spans.length) return { sessions: 0, events: none, toolExecutions: none, usage: none };
  return db.transaction(async (tx) => {
    const sessionIds = new Map<string, string>();
    const keyOf = (s: TracePlan['spans'][number]['session']) => JSON.stringify([s.project, s.externalId]);
    for (const span of plan.spans) {
      const key = keyOf(span.session);
      if (sessionIds.has(key)) continue;
      const r = await createSession(tx, {
        project: span.session.project,
        agentName: span.session.agentName,
        externalId: span.session.externalId,
        metadata: { source: 'otlp' },
      });
      sessionIds.set(key, r.session.id);
    }
    const sessionOf = (s: TracePlan['spans'][number]) => sessionIds.get(keyOf(s.session))!;
    // One statement each (at most MAX_SPANS_PER_EXPORT rows: well within Postgres's 65,535 bound parameters).
    const events = await ingestEvents(tx, {
      events: plan.spans.map((s) => ({
        eventId: s.eventId,
        eventType: s.eventType,
        aggregateType: 'session',
        aggregateId: sessionOf(s),
        metadata: s.metadata,
      })),
    });
    const executions = plan.spans.flatMap((s) => (s.tool ? [{ ...s.tool, sessionId: sessionOf(s) }] : []));
    let tools = none;
    if (executions.length) {
      const r = await ingestToolExecutions(tx, { executions });
      // The sessions were created above in this transaction, so this cannot happen short of a bug.
      if (!r.ok) throw new Error(`OTLP ingest: tool executions name unknown sessions (${r.indexes.join(', ')})`);
      tools = { inserted: r.inserted, duplicates: r.duplicates };
    }
    const usage = await recordUsage(tx, {
      records: plan.spans.flatMap((s) => (s.usage ? [{ ...s.usage, sessionId: sessionOf(s), project: s.session.project, source: 'otlp' }] : [])),
    });
    return {
      sessions: sessionIds.size,
      events: { inserted: events.inserted, duplicates: events.duplicates },
      toolExecutions: tools,
      usage,
    };
  });
}

