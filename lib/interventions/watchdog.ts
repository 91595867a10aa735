import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions } from '@/lib/db/schema';
import { signalSession } from '@/lib/events/bus';
import { auditPause, pauseLockedSessionInTx } from './commands';

/** Flightdeck itself, as the heartbeat watchdog's actor: its rows say "system". */
export const watchdogActor: Actor = { kind: 'system', id: 'heartbeat-watchdog', name: 'system', via: 'job' };

/** The effective timeout of a session's project: project_settings, else the default (HEARTBEAT_TIMEOUT_S). */
const timeoutOf = (defaultTimeoutS: number) =>
  sql`coalesce((SELECT p.heartbeat_timeout_s FROM project_settings p WHERE p.project = ${agentSessions.project}), ${defaultTimeoutS}::int)`;

/**
 * The heartbeat watchdog (a background job, lib/server/jobs.ts): pauses every `running` session whose last sign of
 * life (lib/interventions/liveness.ts) is older than its project's heartbeat timeout, as pause_type `timeout`, reason
 * "No sign of life for N s", actor system, through the same pause as an agent's (event, trail, notifications) plus
 * an audit row. Exactly once across instances: each session is claimed in its own transaction with
 * `FOR UPDATE SKIP LOCKED` and re-checked under the lock (still running, still silent), so a second instance
 * either skips the locked row or finds it already paused. `now` is injectable for tests.
 */
export async function pauseSilentSessions(
  db: Db,
  options: { now?: Date; defaultTimeoutS: number; limit?: number },
): Promise<{ paused: string[] }> {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const timeout = timeoutOf(options.defaultTimeoutS);
  const silentSince = sql`${nowIso}::timestamptz - make_interval(secs => ${timeout})`;
  // The running sessions (idx_agent_sessions_status_started: as many as the fleet, not the table; no index covers
  // last_heartbeat_at, so that heartbeats stay HOT updates, drizzle/0018), bounded by the shortest timeout in force;
  // the exact, per-project test follows.
  const candidates = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM agent_sessions
        WHERE status = 'running'
          AND last_heartbeat_at < ${nowIso}::timestamptz - make_interval(secs => least(${options.defaultTimeoutS}::int,
                (SELECT min(heartbeat_timeout_s) FROM project_settings)))
          AND last_heartbeat_at < ${silentSince}
        ORDER BY last_heartbeat_at LIMIT ${options.limit ?? 100}`,
  );
  const paused: string[] = [];
  for (const { id } of candidates) {
    const pausedId = await db.transaction(async (tx) => {
      const [s] = await tx
        .select({ session: agentSessions, timeoutS: sql<number>`${timeout}`.mapWith(Number) })
        .from(agentSessions)
        .where(and(eq(agentSessions.id, id), eq(agentSessions.status, 'running'), sql`${agentSessions.lastHeartbeatAt} < ${silentSince}`))
        .for('update', { skipLocked: true });
      if (!s) return null;
      const silentS = Math.floor((now.getTime() - s.session.lastHeartbeatAt.getTime()) / 1000);
      const r = await pauseLockedSessionInTx(
        tx,
        s.session,
        {
          sessionId: id,
          reason: `No sign of life for ${silentS} s`,
          pauseType: 'timeout',
          context: { last_sign_of_life: s.session.lastHeartbeatAt.toISOString(), silent_s: silentS, timeout_s: s.timeoutS },
        },
        watchdogActor,
        { keepLastSignOfLife: true },
      );
      if (!r.ok) return null;
      await auditPause(tx, watchdogActor, 'pause', r.pause, { pauseType: 'timeout', silentS, timeoutS: s.timeoutS });
      return r.pause.id;
    });
    if (pausedId) {
      paused.push(id);
      signalSession(id);
    }
  }
  return { paused };
}
