-- Hand-written: daily twins of the hourly roll-ups (lib/db/schema/analytics.ts). A day row is the sum of that UTC
-- day's hourly rows (the day of an hour is fd_day(hour)); lib/analytics/rollups.ts recomputes the days of every
-- hour it recomputes, in the same transaction. Range queries read whole days here and the partial days at the
-- edges from the hourly tables, so a 30-day range reads ~30 rows per key instead of ~720.
CREATE TABLE "tool_execution_days" (
	"day" timestamp with time zone NOT NULL,
	"tool_name" text NOT NULL,
	"executions" integer NOT NULL,
	"successes" integer NOT NULL,
	"time_sum_ms" bigint NOT NULL,
	"latency_buckets" integer[] NOT NULL,
	"satisfaction_sum" integer NOT NULL,
	"satisfaction_count" integer NOT NULL,
	CONSTRAINT "tool_execution_days_pkey" PRIMARY KEY("day","tool_name")
);
--> statement-breakpoint
CREATE TABLE "intervention_days" (
	"day" timestamp with time zone NOT NULL,
	"pause_type" text NOT NULL,
	"pauses" integer NOT NULL,
	"resumed" integer NOT NULL,
	"restored" integer NOT NULL,
	"aborted" integer NOT NULL,
	"resume_seconds_sum" double precision NOT NULL,
	"resume_buckets" integer[] NOT NULL,
	CONSTRAINT "intervention_days_pkey" PRIMARY KEY("day","pause_type")
);
--> statement-breakpoint
CREATE TABLE "recovery_days" (
	"day" timestamp with time zone NOT NULL,
	"recovery_method" text NOT NULL,
	"recovery_status" text NOT NULL,
	"recoveries" integer NOT NULL,
	"duration_seconds_sum" double precision NOT NULL,
	"duration_count" integer NOT NULL,
	CONSTRAINT "recovery_days_pkey" PRIMARY KEY("day","recovery_method","recovery_status")
);
--> statement-breakpoint
CREATE TABLE "retry_days" (
	"day" timestamp with time zone NOT NULL,
	"error_class" text NOT NULL,
	"retries" integer NOT NULL,
	"recovered" integer NOT NULL,
	"failed" integer NOT NULL,
	CONSTRAINT "retry_days_pkey" PRIMARY KEY("day","error_class")
);
--> statement-breakpoint
CREATE TABLE "session_days" (
	"day" timestamp with time zone PRIMARY KEY NOT NULL,
	"started" integer NOT NULL,
	"ended" integer NOT NULL
);
--> statement-breakpoint
-- Existing databases: the days from the hourly rows already there (hours still marked in rollup_dirty are
-- recomputed, with their days, by the next refresh).
INSERT INTO tool_execution_days (day, tool_name, executions, successes, time_sum_ms, latency_buckets, satisfaction_sum, satisfaction_count)
SELECT fd_day(hour), tool_name, sum(executions)::int, sum(successes)::int, sum(time_sum_ms)::bigint,
  ARRAY[sum(latency_buckets[1]), sum(latency_buckets[2]), sum(latency_buckets[3]), sum(latency_buckets[4]), sum(latency_buckets[5]), sum(latency_buckets[6]), sum(latency_buckets[7]), sum(latency_buckets[8]), sum(latency_buckets[9]), sum(latency_buckets[10]), sum(latency_buckets[11]), sum(latency_buckets[12]), sum(latency_buckets[13]), sum(latency_buckets[14]), sum(latency_buckets[15]), sum(latency_buckets[16]), sum(latency_buckets[17]), sum(latency_buckets[18]), sum(latency_buckets[19]), sum(latency_buckets[20])]::int[], sum(satisfaction_sum)::int, sum(satisfaction_count)::int
FROM tool_execution_hours GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO intervention_days (day, pause_type, pauses, resumed, restored, aborted, resume_seconds_sum, resume_buckets)
SELECT fd_day(hour), pause_type, sum(pauses)::int, sum(resumed)::int, sum(restored)::int, sum(aborted)::int,
  sum(resume_seconds_sum)::float8, ARRAY[sum(resume_buckets[1]), sum(resume_buckets[2]), sum(resume_buckets[3]), sum(resume_buckets[4]), sum(resume_buckets[5]), sum(resume_buckets[6]), sum(resume_buckets[7]), sum(resume_buckets[8]), sum(resume_buckets[9]), sum(resume_buckets[10]), sum(resume_buckets[11]), sum(resume_buckets[12]), sum(resume_buckets[13]), sum(resume_buckets[14]), sum(resume_buckets[15]), sum(resume_buckets[16]), sum(resume_buckets[17]), sum(resume_buckets[18]), sum(resume_buckets[19]), sum(resume_buckets[20])]::int[]
FROM intervention_hours GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO recovery_days (day, recovery_method, recovery_status, recoveries, duration_seconds_sum, duration_count)
SELECT fd_day(hour), recovery_method, recovery_status, sum(recoveries)::int, sum(duration_seconds_sum)::float8, sum(duration_count)::int
FROM recovery_hours GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO retry_days (day, error_class, retries, recovered, failed)
SELECT fd_day(hour), error_class, sum(retries)::int, sum(recovered)::int, sum(failed)::int
FROM retry_hours GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO session_days (day, started, ended)
SELECT fd_day(hour), sum(started)::int, sum(ended)::int FROM session_hours GROUP BY 1;
