-- Hand-written: the periodic passes that must run once per interval across all app instances (roll-up refresh,
-- retention, event partitions; lib/server/jobs.ts, issue 25). An instance runs a pass only if it inserted the row
-- of (job, interval start) first; the primary key is the claim, so N instances run each interval's pass once.
-- The rows are also the record `npm run cluster` reconciles (runs per interval, overlaps, misses).
CREATE TABLE IF NOT EXISTS "job_runs" (
  "job" text NOT NULL,
  "slot" timestamp with time zone NOT NULL,
  "instance" text NOT NULL,
  "started_at" timestamp with time zone NOT NULL DEFAULT now(),
  "finished_at" timestamp with time zone,
  "error" text,
  "result" jsonb,
  PRIMARY KEY ("job", "slot")
);
--> statement-breakpoint
-- The claim's clean-up (rows older than 7 days) reads by start time.
CREATE INDEX IF NOT EXISTS "idx_job_runs_started_at" ON "job_runs" ("started_at");
