import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import type { EscalationStep } from '@/lib/db/schema/escalation';
import { log } from '@/lib/log';
import { matchedPolicy } from '@/lib/interventions/deadlines';
import { takeStep, type DueStep, type StepOutcome } from './steps';

/**
 * The escalation job (lib/server/jobs.ts, every JOBS_INTERVAL_MS). It lists the steps due at `now` — open pauses,
 * their governing policy's steps whose time has come and that have no escalation_step_runs row yet — and takes
 * each in order. Each step is one transaction that locks the pause and claims the step with the run row's primary
 * key, so with several instances (or a restart halfway) a step is taken exactly once: the second instance waits
 * for the first one's lock and then finds the claim. `now` is a parameter so tests can move the clock.
 */
export type RunResult = { due: number; taken: StepOutcome[] };

export async function listDueSteps(db: Db, input: { now: Date; limit: number }): Promise<DueStep[]> {
  const rows = await queryRows<{ pause_id: string; policy_id: string; policy_name: string; step: EscalationStep; step_index: number }>(
    db,
    sql`SELECT ps.id AS pause_id, pol.id AS policy_id, pol.name AS policy_name, st.step, (st.idx - 1)::int AS step_index
        FROM paused_sessions ps ${matchedPolicy}
        CROSS JOIN LATERAL jsonb_array_elements(pol.steps) WITH ORDINALITY st(step, idx)
        WHERE NOT ps.resolved
          AND ps.paused_at + make_interval(secs => (st.step->>'afterSeconds')::float8) <= ${input.now.toISOString()}::timestamptz
          AND NOT EXISTS (SELECT 1 FROM escalation_step_runs r
                          WHERE r.paused_session_id = ps.id AND r.policy_id = pol.id AND r.step_index = st.idx - 1)
        ORDER BY ps.paused_at, ps.id, st.idx
        LIMIT ${input.limit}`,
  );
  return rows.map((r) => ({
    pausedSessionId: r.pause_id,
    policyId: r.policy_id,
    policyName: r.policy_name,
    step: typeof r.step === 'string' ? (JSON.parse(r.step) as EscalationStep) : r.step,
    stepIndex: Number(r.step_index),
  }));
}

export async function runEscalations(db: Db, input: { now?: Date; limit?: number } = {}): Promise<RunResult> {
  const now = input.now ?? new Date();
  const due = await listDueSteps(db, { now, limit: input.limit ?? 100 });
  const taken: StepOutcome[] = [];
  for (const d of due) {
    try {
      const outcome = await takeStep(db, d, now);
      if (outcome.taken) taken.push(outcome);
    } catch (err) {
      // The step's transaction rolled back with its claim: the next run tries again.
      log().error({ err, pausedSessionId: d.pausedSessionId, policyId: d.policyId, step: d.stepIndex }, 'escalation step failed');
    }
  }
  return { due: due.length, taken };
}
