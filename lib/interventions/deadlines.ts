import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';

/**
 * Which policy governs an open pause, and when its next step is due, as SQL fragments over `ps` (paused_sessions).
 * The first enabled policy (oldest first) whose projects and pause types match — an empty list matches all —
 * governs the pause; its steps are ordered and each is due `afterSeconds` after the pause. A step is done once
 * escalation_step_runs has its row (the job's claim), so the deadline is the first step without one.
 */
export const matchedPolicy = sql`LEFT JOIN LATERAL (
    SELECT ep.id, ep.name, ep.steps FROM escalation_policies ep
    WHERE ep.enabled
      AND (cardinality(ep.projects) = 0 OR ps.project = ANY(ep.projects))
      AND (cardinality(ep.pause_types) = 0 OR ps.pause_type = ANY(ep.pause_types))
    ORDER BY ep.created_at, ep.id LIMIT 1) pol ON true`;

/** `nxt.next_at`, `nxt.next_kind`: the governing policy's first step not yet taken (NULL: none left). */
export const nextStep = sql`LEFT JOIN LATERAL (
    SELECT ps.paused_at + make_interval(secs => (st.step->>'afterSeconds')::float8) AS next_at, st.step->>'kind' AS next_kind
    FROM jsonb_array_elements(pol.steps) WITH ORDINALITY st(step, idx)
    WHERE NOT EXISTS (SELECT 1 FROM escalation_step_runs r
                      WHERE r.paused_session_id = ps.id AND r.policy_id = pol.id AND r.step_index = st.idx - 1)
    ORDER BY st.idx LIMIT 1) nxt ON true`;

/** `escalated`: a step has been taken on this pause (the inbox badge). */
export const escalatedFlag = sql`EXISTS (SELECT 1 FROM intervention_actions ia WHERE ia.paused_session_id = ps.id AND ia.action = 'escalated')`;

/**
 * Open pauses past their deadline: the governing policy's first step is due (whether or not the job has taken it
 * yet) and nobody has decided. Overview's "pauses past deadline".
 */
export async function countPausesPastDeadline(db: Db, input: { now?: Date } = {}) {
  const now = input.now ?? new Date();
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM paused_sessions ps ${matchedPolicy}
        WHERE NOT ps.resolved AND jsonb_array_length(pol.steps) > 0
          -- Uncorrelated: Postgres checks it once and reads no pause at all when no policy has a step.
          AND EXISTS (SELECT 1 FROM escalation_policies WHERE enabled AND jsonb_array_length(steps) > 0)
          AND ps.paused_at + make_interval(secs => (pol.steps->0->>'afterSeconds')::float8) <= ${now.toISOString()}::timestamptz`,
  );
  return row?.n ?? 0;
}
