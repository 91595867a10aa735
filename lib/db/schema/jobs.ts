import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Interval passes of the background jobs (drizzle/0016): the row of (job, interval start) is the claim — the instance
 * that inserts it runs that interval's pass, the others skip it — and the record of the run (lib/server/jobs.ts).
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    instance: text('instance').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    result: jsonb('result'),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot] }), index('idx_job_runs_started_at').on(t.startedAt)],
);

export type JobRun = typeof jobRuns.$inferSelect;
