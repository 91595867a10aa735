import { listSessionCheckpoints } from '@/lib/checkpoints/state';
import type { Db } from '@/lib/db/client';
import type { PauseType } from '@/lib/db/schema';
import { countActiveInterventions, listActiveInterventions, type AgeBucket, type Cursor } from '@/lib/interventions/queries';
import { getSession, getSessionSummary } from '@/lib/sessions/queries';
import { listSessionTimeline } from '@/lib/sessions/timeline';

/**
 * What the MCP reads return (tools and resources alike), from the console's own queries: the Interventions list
 * and the session page's header, checkpoints and timeline.
 */
export async function loadInterventions(
  db: Db,
  input: { project?: string; pauseType?: string; olderThan?: string; limit?: number; cursor?: Cursor | null },
) {
  const filter = { project: input.project, type: input.pauseType as PauseType | undefined, age: input.olderThan as AgeBucket | undefined };
  const [page, total] = await Promise.all([
    listActiveInterventions(db, { ...filter, cursor: input.cursor, limit: input.limit ?? 20 }),
    countActiveInterventions(db, filter),
  ]);
  const now = Date.now();
  const interventions = page.rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    project: r.project,
    agentName: r.agent_name,
    pauseType: r.pause_type,
    reason: r.reason,
    currentTask: r.current_task,
    lastError: r.last_error,
    assignedTo: r.assigned_to,
    pausedAt: new Date(r.paused_at).toISOString(),
    waitingSeconds: Math.max(0, Math.round((now - new Date(r.paused_at).getTime()) / 1000)),
  }));
  return { total, interventions, nextCursor: page.nextCursor };
}

const LAST_CHECKPOINTS = 5;

export async function loadSessionView(db: Db, input: { sessionId: string; timelineLimit?: number }) {
  const session = await getSession(db, { id: input.sessionId });
  if (!session) return null;
  const [summary, checkpoints, timeline] = await Promise.all([
    getSessionSummary(db, { sessionId: session.id }),
    listSessionCheckpoints(db, { sessionId: session.id }),
    listSessionTimeline(db, { sessionId: session.id, limit: input.timelineLimit ?? 20 }),
  ]);
  const openPause = timeline.items.find((i) => i.kind === 'pause' && summary.openPauseId && i.key === summary.openPauseId);
  const pauseError = (openPause?.data as { context?: { last_error?: unknown } } | undefined)?.context?.last_error;
  return {
    session,
    openPauseId: summary.openPauseId,
    recoveryInProgress: summary.recoveryInProgress,
    counts: { checkpoints: summary.checkpointCount, validCheckpoints: summary.validCheckpointCount, pauses: summary.pauseCount },
    lastError: session.error ?? (typeof pauseError === 'string' ? pauseError : null),
    lastCheckpoints: (checkpoints ?? []).slice(-LAST_CHECKPOINTS).reverse(),
    timeline: timeline.items,
  };
}
