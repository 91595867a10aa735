import { pruneIdempotencyKeys } from '@/lib/api/idempotency';
import { catchUpRollups } from '@/lib/analytics/rollups';
import { abandonStaleRecoveries } from '@/lib/checkpoints/recovery';
import { pruneCheckpoints } from '@/lib/checkpoints/retention';
import type { Db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { runEscalations } from '@/lib/escalation/run';
import { ensureEventPartitions, maintainEventPartitions } from '@/lib/events/partitions';
import { deliverDueWebhooks } from '@/lib/interventions/webhooks';
import { log } from '@/lib/log';
import { pauseSilentSessions } from '@/lib/interventions/watchdog';
import { pruneToolHistory } from '@/lib/tools/retention';

/**
 * Periodic background work. Every job is safe with several app instances (it claims rows with
 * FOR UPDATE SKIP LOCKED or takes an advisory lock), so each instance simply runs the same loop.
 * A failing run is logged and retried on the next tick; it never stops the loop.
 */
type Job = { name: string; everyMs: number; run: (db: Db) => Promise<unknown> };

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
    everyMs: 10 * 60_000,
    run: (db) => pruneCheckpoints(db, { keepLast: env().CHECKPOINT_KEEP_LAST }),
  },
  {
    // Keys are kept 24 h (the replay window promised to agents), then deleted in batches of 1000.
    name: 'prune-idempotency-keys',
    everyMs: 10 * 60_000,
    run: (db) => pruneIdempotencyKeys(db),
  },
  {
    // Folds the hours marked by the roll-up triggers into the Overview/Tools roll-ups (advisory lock: one instance;
    // the others skip). The only place the roll-ups are refreshed: pages read them and print "figures as of".
    name: 'refresh-rollups',
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
    everyMs: 60 * 60_000,
    run: (db) => {
      const retentionDays = env().EVENT_RETENTION_DAYS;
      return retentionDays > 0 ? maintainEventPartitions(db, { retentionDays }) : ensureEventPartitions(db);
    },
  },
  {
    // TOOL_HISTORY_RETENTION_DAYS; batches with SKIP LOCKED, so every instance may run it.
    name: 'prune-tool-history',
    everyMs: 15 * 60_000,
    run: (db) => pruneToolHistory(db, { retentionDays: env().TOOL_HISTORY_RETENTION_DAYS }),
  },
];

const globalForJobs = globalThis as unknown as { __flightdeckJobs?: NodeJS.Timeout[] };

export function startBackgroundJobs(db: Db) {
  if (globalForJobs.__flightdeckJobs) return;
  globalForJobs.__flightdeckJobs = jobs.map((job) => {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        await job.run(db);
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
