import { pruneIdempotencyKeys } from '@/lib/api/idempotency';
import { abandonStaleRecoveries } from '@/lib/checkpoints/commands';
import type { Db } from '@/lib/db/client';
import { env } from '@/lib/env';

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
    // Keys are kept 24 h (the replay window promised to agents), then deleted in batches of 1000.
    name: 'prune-idempotency-keys',
    everyMs: 10 * 60_000,
    run: (db) => pruneIdempotencyKeys(db),
  },
];

const globalForJobs = globalThis as unknown as { __flightdeckJobs?: NodeJS.Timeout[] };

export function registerJob(job: Job) {
  jobs.push(job);
}

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
        console.error(`[flightdeck] job ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        running = false;
      }
    }, job.everyMs);
    timer.unref();
    return timer;
  });
}
