import os from 'node:os';
import { sql } from 'drizzle-orm';
import { pruneIdempotencyKeys } from '@/lib/api/idempotency';
import { catchUpRollups } from '@/lib/analytics/rollups';
import { abandonStaleRecoveries } from '@/lib/checkpoints/recovery';
import { pruneCheckpoints } from '@/lib/checkpoints/retention';
import { queryRows, type Db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { runEscalations } from '@/lib/escalation/run';
import { ensureEventPartitions, maintainEventPartitions } from '@/lib/events/partitions';
import { deliverDueWebhooks } from '@/lib/interventions/webhooks';
import { log } from '@/lib/log';
import { pauseSilentSessions } from '@/lib/interventions/watchdog';
import { pruneToolHistory } from '@/lib/tools/retention';

/**
 * Periodic background work. Every instance runs the same loop, and every job is safe with several instances:
 * - the row jobs (webhook outbox, watchdog, escalation steps, stale recoveries) claim rows with FOR UPDATE SKIP
 *   LOCKED, so every instance runs them on each tick and each row is handled once;
 * - the passes (`oncePerInterval`: roll-up refresh, retention, event partitions) are claimed per interval: the
 *   instance that inserts the job_runs row of (job, interval start) runs that interval's pass and records its result,
 *   the others skip it (drizzle/0016). Their own advisory locks stay as a second guard.
 * A failing run is logged and retried on the next tick (a pass: the next interval); it never stops the loop.
 */
type Job = { name: string; everyMs: number; run: (db: Db) => Promise<unknown>; oncePerInterval?: boolean };

/** Retention and partition passes: their own long interval, or JOBS_MAINTENANCE_INTERVAL_MS when set. */
const maintenanceMs = (ownMs: number) => env().JOBS_MAINTENANCE_INTERVAL_MS ?? ownMs;

const jobs: Job[] = [
  {
    name: 'abandon-stale-recoveries',
    everyMs: 30_000,
    run: (db) => abandonStaleRecoveries(db, { olderThanSeconds: env().RECOVERY_ABANDON_AFTER_S }),
  },
  {
    // Heartbeat watchdog: running sessions silent longer than their project's timeout are paused as `timeout`
    // (FOR UPDATE SKIP LOCKED per session: exactly once across instances). JOBS_INTERVAL_MS, read at start.
    name: 'heartbeat-watchdog',
    get everyMs() {
      return env().JOBS_INTERVAL_MS;
    },
    run: (db) => pauseSilentSessions(db, { defaultTimeoutS: env().HEARTBEAT_TIMEOUT_S }),
  },
  {
    // Webhook outbox: a pause only inserts rows; this delivers them through the guarded outbound client
    // (lib/net/outbound.ts: target re-checked at send time), claims with SKIP LOCKED, 5 s timeout, backoff.
    name: 'deliver-webhooks',
    everyMs: 2_000,
    run: (db) => deliverDueWebhooks(db),
  },
  {
    // Ranking every session's checkpoints is a full index scan: every 10 minutes is plenty for a size bound.
    name: 'prune-checkpoints',
    oncePerInterval: true,
    get everyMs() {
      return maintenanceMs(10 * 60_000);
    },
    run: (db) => pruneCheckpoints(db, { keepLast: env().CHECKPOINT_KEEP_LAST }),
  },
  {
    // Keys are kept 24 h (the replay window promised to agents), then deleted in batches of 1000.
    name: 'prune-idempotency-keys',
    oncePerInterval: true,
    get everyMs() {
      return maintenanceMs(10 * 60_000);
    },
    run: (db) => pruneIdempotencyKeys(db),
  },
  {
    // Folds the hours marked by the roll-up triggers into the Overview/Tools roll-ups (advisory lock: one instance;
    // the others skip). The only place the roll-ups are refreshed: pages read them and print "figures as of".
    name: 'refresh-rollups',
    oncePerInterval: true,
    // Read when the jobs start, not when this module loads: a bad value then ends start-up with its one line.
    get everyMs() {
      return env().ROLLUP_REFRESH_INTERVAL_MS;
    },
    run: (db) => catchUpRollups(db),
  },
  {
    // Pause deadlines: takes the escalation steps that are due (lib/escalation/run.ts). Each step locks its pause and
    // claims a row keyed (pause, policy, step), so every instance may run it and a step is taken once.
    name: 'escalate-pauses',
    get everyMs() {
      return env().JOBS_INTERVAL_MS;
    },
    run: (db) => runEscalations(db),
  },
  {
    // Monthly event partitions: the current month and the next two exist, and (EVENT_RETENTION_DAYS > 0) months past
    // retention are dropped whole, keeping what an open pause or a valid checkpoint needs. One advisory lock: with N
    // instances they take turns and the later ones find nothing to do.
    name: 'event-partitions',
    oncePerInterval: true,
    get everyMs() {
      return maintenanceMs(60 * 60_000);
    },
    run: (db) => {
      const retentionDays = env().EVENT_RETENTION_DAYS;
      return retentionDays > 0 ? maintainEventPartitions(db, { retentionDays }) : ensureEventPartitions(db);
    },
  },
  {
    // TOOL_HISTORY_RETENTION_DAYS; batches with SKIP LOCKED, so every instance may run it.
    name: 'prune-tool-history',
    oncePerInterval: true,
    get everyMs() {
      return maintenanceMs(15 * 60_000);
    },
    run: (db) => pruneToolHistory(db, { retentionDays: env().TOOL_HISTORY_RETENTION_DAYS }),
  },
];

/** This process, as job_runs names it: host, port and process id (a restarted instance is a new one). */
export const instanceName = () => `${os.hostname()}:${process.env.PORT ?? '-'}/${process.pid}`;

/** What a pass returned, small enough for job_runs.result: a list becomes its length. */
function summarise(result: unknown): unknown {
  if (Array.isArray(result)) return { items: result.length };
  if (result === undefined) return null;
  return result;
}

export type PassOutcome = { ran: false } | { ran: true; slot: Date; result: unknown } | { ran: true; slot: Date; error: string };

/**
 * Runs `run` if this instance is the first to claim the interval that `now` falls in (job_runs primary key): once
 * per interval across every instance. The claim is committed before the pass starts, so a pass that fails or an
 * instance that dies mid-pass leaves the interval claimed (recorded with its error, or unfinished); the next
 * interval runs again. Rows older than 7 days are deleted by the claim.
 */
export async function runOncePerInterval(
  db: Db,
  job: { name: string; everyMs: number; run: (db: Db) => Promise<unknown> },
  options: { now?: number; instance?: string } = {},
): Promise<PassOutcome> {
  const now = options.now ?? Date.now();
  const slot = new Date(Math.floor(now / job.everyMs) * job.everyMs);
  const claimed = await queryRows<{ job: string }>(
    db,
    sql`INSERT INTO job_runs (job, slot, instance) VALUES (${job.name}, ${slot.toISOString()}::timestamptz, ${options.instance ?? instanceName()})
        ON CONFLICT (job, slot) DO NOTHING RETURNING job`,
  );
  if (!claimed.length) return { ran: false };
  await db.execute(sql`DELETE FROM job_runs WHERE started_at < now() - interval '7 days'`);
  try {
    const result = summarise(await job.run(db));
    await db.execute(sql`UPDATE job_runs SET finished_at = clock_timestamp(), result = ${JSON.stringify(result)}::jsonb
                         WHERE job = ${job.name} AND slot = ${slot.toISOString()}::timestamptz`);
    return { ran: true, slot, result };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await db
      .execute(sql`UPDATE job_runs SET finished_at = clock_timestamp(), error = ${error.slice(0, 500)}
                   WHERE job = ${job.name} AND slot = ${slot.toISOString()}::timestamptz`)
      .catch(() => {});
    throw err;
  }
}

const globalForJobs = globalThis as unknown as { __flightdeckJobs?: NodeJS.Timeout[] };

export function startBackgroundJobs(db: Db) {
  if (globalForJobs.__flightdeckJobs) return;
  globalForJobs.__flightdeckJobs = jobs.map((job) => {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        if (job.oncePerInterval) await runOncePerInterval(db, job);
        else await job.run(db);
      } catch (err) {
        log().error({ err, job: job.name }, `job ${job.name} failed`);
      } finally {
        running = false;
      }
    }, job.everyMs);
    timer.unref();
    return timer;
  });
}
