CREATE TABLE "intervention_hours" (
	"hour" timestamp with time zone NOT NULL,
	"pause_type" text NOT NULL,
	"pauses" integer NOT NULL,
	"resumed" integer NOT NULL,
	"restored" integer NOT NULL,
	"aborted" integer NOT NULL,
	"resume_seconds_sum" double precision NOT NULL,
	"resume_buckets" integer[] NOT NULL,
	CONSTRAINT "intervention_hours_pkey" PRIMARY KEY("hour","pause_type")
);
--> statement-breakpoint
CREATE TABLE "recovery_hours" (
	"hour" timestamp with time zone NOT NULL,
	"recovery_method" text NOT NULL,
	"recovery_status" text NOT NULL,
	"recoveries" integer NOT NULL,
	"duration_seconds_sum" double precision NOT NULL,
	"duration_count" integer NOT NULL,
	CONSTRAINT "recovery_hours_pkey" PRIMARY KEY("hour","recovery_method","recovery_status")
);
--> statement-breakpoint
CREATE TABLE "retry_hours" (
	"hour" timestamp with time zone NOT NULL,
	"error_class" text NOT NULL,
	"retries" integer NOT NULL,
	"recovered" integer NOT NULL,
	"failed" integer NOT NULL,
	CONSTRAINT "retry_hours_pkey" PRIMARY KEY("hour","error_class")
);
--> statement-breakpoint
CREATE TABLE "rollup_dirty" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rollup_dirty_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"user_id" text
);
--> statement-breakpoint
CREATE TABLE "session_hours" (
	"hour" timestamp with time zone PRIMARY KEY NOT NULL,
	"started" integer NOT NULL,
	"ended" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_execution_hours" (
	"hour" timestamp with time zone NOT NULL,
	"tool_name" text NOT NULL,
	"executions" integer NOT NULL,
	"successes" integer NOT NULL,
	"time_sum_ms" bigint NOT NULL,
	"latency_buckets" integer[] NOT NULL,
	"satisfaction_sum" integer NOT NULL,
	"satisfaction_count" integer NOT NULL,
	CONSTRAINT "tool_execution_hours_pkey" PRIMARY KEY("hour","tool_name")
);
--> statement-breakpoint
CREATE TABLE "tool_user_days" (
	"user_id" text NOT NULL,
	"tool_name" text NOT NULL,
	"day" date NOT NULL,
	"runs" integer NOT NULL,
	"successes" integer NOT NULL,
	"satisfaction_sum" integer NOT NULL,
	"satisfaction_count" integer NOT NULL,
	CONSTRAINT "tool_user_days_pkey" PRIMARY KEY("user_id","tool_name","day")
);
--> statement-breakpoint
CREATE INDEX "idx_rollup_dirty_kind" ON "rollup_dirty" USING btree ("kind","hour");--> statement-breakpoint
CREATE INDEX "idx_tool_execution_hours_tool" ON "tool_execution_hours" USING btree ("tool_name","hour");--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures" ON "user_tool_history" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures_tool" ON "user_tool_history" USING btree ("tool_name","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures_user" ON "user_tool_history" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";