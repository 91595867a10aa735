import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { CreateSessionBody } from '@/lib/api/schemas';
import type { Db } from '@/lib/db/client';
import { agentSessions, interventionActions, pausedSessions, type AgentSession } from '@/lib/db/schema';
import { appendEvent } from '@/lib/events/append';
import { signalSession } from '@/lib/events/bus';
import { actorLabel, actorType, type Actor } from '@/lib/auth/actor';

const terminal = new Set(['completed', 'failed', 'aborted']);

export function isTerminal(status: string) {
  return terminal.has(status);
}

export type CreateSessionInput = {
  project: string;
  agentName: string;
  externalId?: string | null;
  currentTask?: string | null;
  metadata?: Record<string, unknown>;
  /** The session's own budget (> 0 each, validated at the door); absent: the project's per-session default. */
  budget?: { maxCostUsd?: number; maxTokens?: number };
};

/** The API's (and MCP's) create-session body as the command's input: one mapping for both doors. */
export function sessionInputFromBody(body: z.infer<typeof CreateSessionBody>): CreateSessionInput {
  return {
    project: body.project,
    agentName: body.agent,
    externalId: body.externalId ?? null,
    currentTask: body.currentTask ?? null,
    metadata: body.metadata,
    budget: body.budget,
  };
}

/** Idempotent on (project, externalId): the same agent run registering twice gets the same session. */
export async function createSession(
  db: Db,
  input: CreateSessionInput,
): Promise<{ ok: true; session: AgentSession; created: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(agentSessions)
      .values({
        project: input.project,
        agentName: input.agentName,
        externalId: input.externalId ?? null,
        currentTask: input.currentTask ?? null,
        metadata: input.metadata ?? {},
        budgetCostUsd: input.budget?.maxCostUsd ?? null,
        budgetTokens: input.budget?.maxTokens ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted.length) {
      const s = inserted[0];
      await appendEvent(tx, {
        eventType: 'session_started',
        aggregateType: 'session',
        aggregateId: s.id,
        metadata: { status: 'running', actor_id: input.agentName },
      });
      return { ok: true, session: s, created: true } as const;
    }
    const [existing] = await tx
      .select()
      .from(agentSessions)
      .where(and(eq(agentSessions.project, input.project), eq(agentSessions.externalId, input.externalId ?? '')))
      .limit(1);
    return { ok: true, session: existing, created: false } as const;
  });
}

export type FinishResult =
  | { ok: true; session: AgentSession; alreadyFinished: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'already_finished'; status: AgentSession['status'] };

/**
 * An agent reports the end of its run. Repeating the same report is harmless (alreadyFinished); a different
 * end after the first is refused. A run that ends while paused closes its open pause as aborted by the agent.
 */
export async function finishSession(
  db: Db,
  input: { sessionId: string; status: 'completed' | 'failed'; error?: string | null },
  actor: Actor,
): Promise<FinishResult> {
  const result = await db.transaction(async (tx): Promise<FinishResult> => {
    const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, input.sessionId)).for('update');
    if (!s) return { ok: false, reason: 'not_found' };
    if (isTerminal(s.status)) {
      if (s.status === input.status) return { ok: true, session: s, alreadyFinished: true };
      return { ok: false, reason: 'already_finished', status: s.status };
    }
    const [open] = await tx
      .select()
      .from(pausedSessions)
      .where(and(eq(pausedSessions.sessionId, s.id), eq(pausedSessions.resolved, false)))
      .for('update');
    if (open) {
      await tx
        .update(pausedSessions)
        .set({
          resolved: true,
          resolvedAt: sql`now()`,
          resolvedBy: actorLabel(actor),
          resolution: 'aborted',
          resolutionNote: `Agent finished the run as ${input.status}`,
        })
        .where(eq(pausedSessions.id, open.id));
      await tx.insert(interventionActions).values({
        pausedSessionId: open.id,
        sessionId: s.id,
        action: 'aborted',
        actor: actorLabel(actor),
        actorType: actorType(actor),
        note: `Agent finished the run as ${input.status}`,
      });
    }
    const [updated] = await tx
      .update(agentSessions)
      .set({ status: input.status, endedAt: sql`greatest(now(), ${agentSessions.startedAt})`, error: input.error ?? null })
      .where(eq(agentSessions.id, s.id))
      .returning();
    await appendEvent(tx, {
      eventType: input.status === 'completed' ? 'session_completed' : 'session_failed',
      aggregateType: 'session',
      aggregateId: s.id,
      metadata: { status: input.status, actor_id: actorLabel(actor), ...(input.error ? { error: input.error } : {}) },
    });
    return { ok: true, session: updated, alreadyFinished: false };
  });
  if (result.ok && !result.alreadyFinished) signalSession(input.sessionId);
  return result;
}
