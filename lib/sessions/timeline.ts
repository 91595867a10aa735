import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * A session's timeline: checkpoints, execution events, pauses, intervention actions and recoveries merged into
 * one list, newest first, keyset-paginated on (time, kind, key).
 *
 * Each happening appears once, from its richest row: the events that only mirror a row of another table
 * (checkpoint_created, session_paused, …) are left out, and so is the `paused` action (the pause row says it).
 *
 * Every branch is its own ORDER BY … LIMIT on a (session, time) index — events on idx_execution_events_aggregate,
 * pauses on idx_paused_sessions_session, actions on idx_intervention_actions_session, recoveries on
 * idx_checkpoint_recoveries_session, checkpoints on the (session_id, sequence) key — so a page reads at most
 * 5 × (limit + 1) rows however long the session is. Sort directions follow each index: events and actions
 * have ascending indexes (read backwards: DESC), pauses and recoveries DESC NULLS LAST ones.
 */
export type TimelineKind = 'checkpoint' | 'event' | 'pause' | 'action' | 'recovery';

export type TimelineItem = {
  kind: TimelineKind;
  at: Date;
  /** Unique within the kind (event ids are zero-padded so text order is numeric order). */
  key: string;
  /** Event type, action, checkpoint type, pause type or recovery status. */
  label: string;
  data: Record<string, unknown>;
};

export type TimelineCursor = { at: string; kind: TimelineKind; key: string };

const kinds: readonly TimelineKind[] = ['checkpoint', 'event', 'pause', 'action', 'recovery'];

/** Events whose content is shown by the row of another table. */
export const mirroredEventTypes = [
  'checkpoint_created',
  'checkpoint_forked',
  'session_paused',
  'session_resumed',
  'session_aborted',
  'intervention_note',
  'recovery_started',
] as const;

export function encodeTimelineCursor(c: TimelineCursor) {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeTimelineCursor(s: string | null | undefined): TimelineCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at))) return null;
    if (!kinds.includes(c.kind) || typeof c.key !== 'string' || c.key.length > 64) return null;
    return c;
  } catch {
    return null;
  }
}

type Row = { kind: TimelineKind; at: Date | string; at_text: string; key: string; label: string; data: Record<string, unknown> | string };

export async function listSessionTimeline(
  db: Db,
  input: { sessionId: string; cursor?: TimelineCursor | null; limit?: number },
): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 500);
  const id = input.sessionId;
  const c = input.cursor;
  // Per branch: an index range on time (`<= at`) plus the exact tuple test for ties.
  const after = (time: SQL, kind: TimelineKind, key: SQL) =>
    c ? sql`AND ${time} <= ${c.at}::timestamptz AND (${time}, ${kind}::text, ${key}) < (${c.at}::timestamptz, ${c.kind}::text, ${c.key}::text)` : sql``;
  const n = limit + 1;
  const excluded = sql.join(mirroredEventTypes.map((t) => sql`${t}`), sql`, `);

  const rows = await queryRows<Row>(
    db,
    sql`SELECT kind, at, at::text AS at_text, key, label, data FROM (
      (SELECT 'event' AS kind, e.created_at AS at, lpad(e.id::text, 20, '0') AS key, e.event_type AS label, e.metadata AS data
         FROM execution_events e
        WHERE e.aggregate_type = 'session' AND e.aggregate_id = ${id}
          AND e.event_type NOT IN (${excluded})
          ${after(sql`e.created_at`, 'event', sql`lpad(e.id::text, 20, '0')`)}
        ORDER BY e.created_at DESC, e.id DESC LIMIT ${n})
      UNION ALL
      (SELECT 'checkpoint', c.created_at, c.id::text, c.checkpoint_type,
              jsonb_build_object('id', c.id, 'sequence', c.sequence, 'currentTaskId', c.current_task_id,
                'messageCount', c.message_count, 'completedTasks', c.completed_tasks, 'sizeBytes', c.size_bytes,
                'isValid', c.is_valid, 'invalidationReason', c.invalidation_reason, 'metricsSnapshot', c.metrics_snapshot,
                'createdBy', c.created_by,
                'forkedFromSequence', (SELECT f.sequence FROM session_checkpoints f WHERE f.id = c.forked_from))
         FROM session_checkpoints c
        WHERE c.session_id = ${id}::uuid ${after(sql`c.created_at`, 'checkpoint', sql`c.id::text`)}
        ORDER BY c.created_at DESC, c.id::text DESC LIMIT ${n})
      UNION ALL
      (SELECT 'pause', p.paused_at, p.id::text, p.pause_type,
              jsonb_build_object('id', p.id, 'reason', p.reason, 'currentTask', p.current_task, 'context', p.context,
                'checkpointId', p.checkpoint_id, 'resolved', p.resolved, 'resolution', p.resolution,
                'resolvedBy', p.resolved_by, 'resolvedAt', p.resolved_at, 'resolutionNote', p.resolution_note,
                'assignedTo', p.assigned_to)
         FROM paused_sessions p
        WHERE p.session_id = ${id}::uuid ${after(sql`p.paused_at`, 'pause', sql`p.id::text`)}
        ORDER BY p.paused_at DESC NULLS LAST, p.id::text DESC LIMIT ${n})
      UNION ALL
      (SELECT 'action', a.created_at, lpad(a.id::text, 20, '0'), a.action,
              jsonb_build_object('pausedSessionId', a.paused_session_id, 'actor', a.actor, 'actorType', a.actor_type,
                'note', a.note, 'details', a.details)
         FROM intervention_actions a
        WHERE a.session_id = ${id}::uuid AND a.action <> 'paused'
          ${after(sql`a.created_at`, 'action', sql`lpad(a.id::text, 20, '0')`)}
        ORDER BY a.created_at DESC, a.id DESC LIMIT ${n})
      UNION ALL
      (SELECT 'recovery', r.started_at, r.id::text, r.recovery_status,
              jsonb_build_object('id', r.id, 'checkpointId', r.checkpoint_id,
                'sequence', (SELECT c.sequence FROM session_checkpoints c WHERE c.id = r.checkpoint_id),
                'method', r.recovery_method, 'completedAt', r.completed_at, 'durationSeconds', r.recovery_duration_seconds,
                'initiatedBy', r.initiated_by, 'modifications', r.modifications, 'deliveredAt', r.delivered_at, 'error', r.error)
         FROM checkpoint_recoveries r
        WHERE r.session_id = ${id}::uuid ${after(sql`r.started_at`, 'recovery', sql`r.id::text`)}
        ORDER BY r.started_at DESC NULLS LAST, r.id::text DESC LIMIT ${n})
    ) t
    ORDER BY at DESC, kind DESC, key DESC
    LIMIT ${n}`,
  );

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      kind: r.kind,
      at: r.at instanceof Date ? r.at : new Date(r.at),
      key: r.key,
      label: r.label,
      data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : (r.data ?? {}),
    })),
    nextCursor: rows.length > limit && last ? encodeTimelineCursor({ at: last.at_text, kind: last.kind, key: last.key }) : null,
  };
}
