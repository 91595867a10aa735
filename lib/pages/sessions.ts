import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { getCheckpointDetail, listCheckpointMessages } from '@/lib/checkpoints/queries';
import { getBudgetStatus } from '@/lib/usage/budget';
import { getSession, getSessionSummary } from '@/lib/sessions/queries';
import { decodeTimelineCursor, listSessionTimeline } from '@/lib/sessions/timeline';

/**
 * Everything a session page or a checkpoint page reads, one function each, so that a benchmark times exactly
 * what the page costs on the server (scripts/bench.ts) and the page stays a thin renderer.
 */
/**
 * Timeline rows per page ("Earlier →" for the next). 50, not 100: every row is rendered twice per view (HTML and the
 * inlined Flight payload, each with its metadata JSON), and at 100 rows the page cost ~3× the floor's CPU per view
 * at 10 readers (docs/benchmarks-pages.md, issue 18).
 */
export const TIMELINE_PAGE = 50;
export const MESSAGES_PAGE = 200;

export async function loadSessionPage(db: Db, input: { id: string; before?: string | null }) {
  const session = await getSession(db, { id: input.id });
  if (!session) return null;
  const [summary, timeline, abort, usage] = await Promise.all([
    getSessionSummary(db, { sessionId: session.id }),
    listSessionTimeline(db, { sessionId: session.id, cursor: decodeTimelineCursor(input.before), limit: TIMELINE_PAGE }),
    session.status === 'aborted' ? getAbort(db, { sessionId: session.id }) : null,
    getBudgetStatus(db, { sessionId: session.id }),
  ]);
  return { session, summary, timeline, abort, usage };
}

/**
 * Who aborted a session and why: the pause the abort closed (sessions.error is empty when an agent ended its
 * own run as aborted, and in older data). Reads idx_paused_sessions_session.
 */
async function getAbort(db: Db, input: { sessionId: string }) {
  const [row] = await queryRows<{ resolved_by: string | null; resolution_note: string | null; resolved_at: Date | string | null }>(
    db,
    sql`SELECT resolved_by, resolution_note, resolved_at FROM paused_sessions
         WHERE session_id = ${input.sessionId}::uuid AND resolution = 'aborted'
         ORDER BY resolved_at DESC NULLS LAST LIMIT 1`,
  );
  return row ? { by: row.resolved_by, note: row.resolution_note, at: row.resolved_at ? new Date(row.resolved_at) : null } : null;
}

/**
 * A checkpoint without its history, the diff against the previous one, and one window of messages: from
 * `from` (default 0), or the messages the checkpoint added when `view` is 'added'.
 */
export async function loadCheckpointPage(
  db: Db,
  input: { sessionId: string; checkpointId: string; from?: number; view?: 'all' | 'added' },
) {
  const detail = await getCheckpointDetail(db, { sessionId: input.sessionId, checkpointId: input.checkpointId });
  if (!detail) return null;
  const addedFrom = detail.diff.previous ? Math.min(detail.diff.previous.messageCount, detail.checkpoint.messageCount) : 0;
  const from = input.view === 'added' ? Math.max(addedFrom, input.from ?? addedFrom) : Math.max(0, input.from ?? 0);
  const window = await listCheckpointMessages(db, { checkpointId: detail.checkpoint.id, offset: from, limit: MESSAGES_PAGE });
  return { ...detail, window, addedFrom };
}
