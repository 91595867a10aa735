CREATE TABLE "account" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"user_id" text NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"id_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"scope" text,
	"password" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_key" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "session" (
	"id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"impersonated_by" text,
	"user_id" text NOT NULL,
	CONSTRAINT "session_token_key" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "user" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"image" text,
	"role" text DEFAULT 'viewer' NOT NULL,
	"banned" boolean DEFAULT false,
	"ban_reason" text,
	"ban_expires" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_email_key" UNIQUE("email"),
	CONSTRAINT "user_role_check" CHECK (role IN ('admin', 'engineer', 'qa', 'manager', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "verification" (
	"id" text PRIMARY KEY NOT NULL,
	"identifier" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project" text NOT NULL,
	"agent_name" text NOT NULL,
	"external_id" text,
	"status" text DEFAULT 'running' NOT NULL,
	"current_task" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"last_heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_sessions_status_check" CHECK (status IN ('running', 'paused', 'recovering', 'completed', 'failed', 'aborted')),
	CONSTRAINT "agent_sessions_ended_check" CHECK ("agent_sessions"."ended_at" IS NULL OR "agent_sessions"."ended_at" >= "agent_sessions"."started_at")
);
--> statement-breakpoint
CREATE TABLE "intervention_actions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "intervention_actions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"paused_session_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"actor_type" text DEFAULT 'user' NOT NULL,
	"note" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_actions_action_check" CHECK (action IN ('paused', 'resumed', 'aborted', 'restored', 'note', 'notified', 'escalated', 'assigned')),
	CONSTRAINT "intervention_actions_actor_type_check" CHECK (actor_type IN ('user', 'agent', 'system'))
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"channel" text NOT NULL,
	"target_url" text,
	"secret" text,
	"pause_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"projects" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_channel_check" CHECK (channel IN ('in_app', 'webhook')),
	CONSTRAINT "notification_preferences_webhook_target" CHECK ("notification_preferences"."channel" <> 'webhook' OR "notification_preferences"."target_url" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "paused_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"pause_type" text NOT NULL,
	"current_task" text,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"checkpoint_id" uuid,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved" boolean DEFAULT false NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text,
	"resolution_note" text,
	"decision_delivered_at" timestamp with time zone,
	"assigned_to" text,
	"assigned_at" timestamp with time zone,
	CONSTRAINT "paused_sessions_pause_type_check" CHECK (pause_type IN ('retry_limit', 'blocker', 'error', 'timeout', 'manual', 'budget')),
	CONSTRAINT "paused_sessions_resolution_check" CHECK (resolution IS NULL OR resolution IN ('resumed', 'aborted', 'restored')),
	CONSTRAINT "paused_sessions_resolved_consistent" CHECK (("paused_sessions"."resolved" AND "paused_sessions"."resolved_at" IS NOT NULL AND "paused_sessions"."resolution" IS NOT NULL) OR (NOT "paused_sessions"."resolved" AND "paused_sessions"."resolved_at" IS NULL AND "paused_sessions"."resolution" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "checkpoint_recoveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checkpoint_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"paused_session_id" uuid,
	"recovery_method" text DEFAULT 'manual' NOT NULL,
	"recovery_status" text DEFAULT 'in_progress' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"recovery_duration_seconds" numeric(12, 3),
	"initiated_by" text,
	"modifications" jsonb,
	"delivered_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "checkpoint_recoveries_method_check" CHECK (recovery_method IN ('manual', 'automatic')),
	CONSTRAINT "checkpoint_recoveries_status_check" CHECK (recovery_status IN ('in_progress', 'succeeded', 'failed', 'abandoned')),
	CONSTRAINT "checkpoint_recoveries_completed_consistent" CHECK (("checkpoint_recoveries"."recovery_status" = 'in_progress') = ("checkpoint_recoveries"."completed_at" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "session_checkpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"checkpoint_type" text NOT NULL,
	"conversation_history" jsonb NOT NULL,
	"current_task_id" text,
	"message_count" integer DEFAULT 0 NOT NULL,
	"completed_tasks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metrics_snapshot" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"size_bytes" integer DEFAULT 0 NOT NULL,
	"content_hash" text,
	"is_valid" boolean DEFAULT true NOT NULL,
	"invalidated_at" timestamp with time zone,
	"invalidation_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_checkpoints_type_check" CHECK (checkpoint_type IN ('task_completion', 'periodic', 'pre_intervention', 'manual', 'error')),
	CONSTRAINT "session_checkpoints_sequence_check" CHECK ("session_checkpoints"."sequence" >= 1),
	CONSTRAINT "session_checkpoints_invalid_consistent" CHECK ("session_checkpoints"."is_valid" = ("session_checkpoints"."invalidated_at" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "execution_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "execution_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"event_type" text NOT NULL,
	"aggregate_type" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "execution_events_event_id_key" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "user_tool_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "user_tool_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"execution_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"tool_name" text NOT NULL,
	"success" boolean NOT NULL,
	"execution_time_ms" integer DEFAULT 0 NOT NULL,
	"error_message" text,
	"session_id" uuid,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"user_satisfaction" smallint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_tool_history_execution_id_key" UNIQUE("execution_id"),
	CONSTRAINT "user_tool_history_satisfaction_check" CHECK ("user_tool_history"."user_satisfaction" IS NULL OR "user_tool_history"."user_satisfaction" BETWEEN 1 AND 5),
	CONSTRAINT "user_tool_history_time_check" CHECK ("user_tool_history"."execution_time_ms" >= 0)
);
--> statement-breakpoint
CREATE TABLE "db_monitor_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"instance" text NOT NULL,
	"queries" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"slow_queries" integer DEFAULT 0 NOT NULL,
	"query_p50_ms" double precision,
	"query_p95_ms" double precision,
	"acquire_p95_ms" double precision,
	"max_waiting" integer DEFAULT 0 NOT NULL,
	"max_in_flight" integer DEFAULT 0 NOT NULL,
	"pool_size" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "db_monitor_minutes_pkey" PRIMARY KEY("minute","instance")
);
--> statement-breakpoint
CREATE TABLE "db_retry_log" (
	"minute" timestamp with time zone NOT NULL,
	"operation" text NOT NULL,
	"error_class" text NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"recovered" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "db_retry_log_pkey" PRIMARY KEY("minute","operation","error_class")
);
--> statement-breakpoint
CREATE TABLE "checklist_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checklist_id" uuid NOT NULL,
	"section_id" uuid NOT NULL,
	"parent_id" uuid,
	"phase" text NOT NULL,
	"section_title" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"command" text,
	"checked" boolean DEFAULT false NOT NULL,
	"checked_by" text,
	"checked_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "checklist_items_phase_check" CHECK (phase IN ('pre_deployment', 'deployment', 'post_deployment', 'rollback_criteria', 'success_criteria', 'custom')),
	CONSTRAINT "checklist_items_checked_consistent" CHECK ("checklist_items"."checked" = ("checklist_items"."checked_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "checklist_sections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checklist_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"phase" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"signoff_role" text,
	CONSTRAINT "checklist_sections_phase_check" CHECK (phase IN ('pre_deployment', 'deployment', 'post_deployment', 'rollback_criteria', 'success_criteria', 'custom')),
	CONSTRAINT "checklist_sections_signoff_role_check" CHECK (signoff_role IN ('development', 'qa', 'devops', 'production'))
);
--> statement-breakpoint
CREATE TABLE "checklist_signoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checklist_id" uuid NOT NULL,
	"role" text NOT NULL,
	"signed_by" text NOT NULL,
	"signed_by_name" text,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"voided_at" timestamp with time zone,
	"voided_by" text,
	"void_reason" text,
	CONSTRAINT "checklist_signoffs_role_check" CHECK (role IN ('development', 'qa', 'devops', 'production'))
);
--> statement-breakpoint
CREATE TABLE "deployment_checklists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"is_template" boolean DEFAULT false NOT NULL,
	"template_id" uuid,
	"version" text,
	"environment" text,
	"target_date" date,
	"status" text DEFAULT 'draft' NOT NULL,
	"required_roles" text[] DEFAULT '{development,qa,devops,production}'::text[] NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_checklists_status_check" CHECK (status IN ('draft', 'in_progress', 'signed_off', 'live', 'archived'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_id" text,
	"actor_type" text NOT NULL,
	"actor_label" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"outcome" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_outcome_check" CHECK (outcome IN ('success', 'denied', 'failure')),
	CONSTRAINT "audit_log_actor_type_check" CHECK ("audit_log"."actor_type" IN ('user', 'token', 'system', 'anonymous'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notification_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"preference_id" uuid,
	"paused_session_id" uuid,
	"target_url" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_deliveries_status_check" CHECK ("notification_deliveries"."status" IN ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"paused_session_id" uuid,
	"title" text NOT NULL,
	"body" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
ALTER TABLE "account" ADD CONSTRAINT "account_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_actions" ADD CONSTRAINT "intervention_actions_paused_session_id_paused_sessions_id_fk" FOREIGN KEY ("paused_session_id") REFERENCES "public"."paused_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_actions" ADD CONSTRAINT "intervention_actions_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paused_sessions" ADD CONSTRAINT "paused_sessions_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paused_sessions" ADD CONSTRAINT "paused_sessions_checkpoint_id_session_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."session_checkpoints"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoint_recoveries" ADD CONSTRAINT "checkpoint_recoveries_checkpoint_id_session_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."session_checkpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoint_recoveries" ADD CONSTRAINT "checkpoint_recoveries_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_checkpoints" ADD CONSTRAINT "session_checkpoints_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_tool_history" ADD CONSTRAINT "user_tool_history_session_id_agent_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_checklist_id_deployment_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."deployment_checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_section_id_checklist_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."checklist_sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_parent_id_checklist_items_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."checklist_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_sections" ADD CONSTRAINT "checklist_sections_checklist_id_deployment_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."deployment_checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_signoffs" ADD CONSTRAINT "checklist_signoffs_checklist_id_deployment_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."deployment_checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_checklists" ADD CONSTRAINT "deployment_checklists_template_id_deployment_checklists_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."deployment_checklists"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_preference_id_notification_preferences_id_fk" FOREIGN KEY ("preference_id") REFERENCES "public"."notification_preferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_paused_session_id_paused_sessions_id_fk" FOREIGN KEY ("paused_session_id") REFERENCES "public"."paused_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_paused_session_id_paused_sessions_id_fk" FOREIGN KEY ("paused_session_id") REFERENCES "public"."paused_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_account_user" ON "account" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_api_tokens_created" ON "api_tokens" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_session_user" ON "session" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agent_sessions_project_external_id_key" ON "agent_sessions" USING btree ("project","external_id");--> statement-breakpoint
CREATE INDEX "idx_agent_sessions_started" ON "agent_sessions" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_agent_sessions_status_started" ON "agent_sessions" USING btree ("status","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_agent_sessions_project_started" ON "agent_sessions" USING btree ("project","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_agent_sessions_external_id" ON "agent_sessions" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "idx_intervention_actions_pause" ON "intervention_actions" USING btree ("paused_session_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_intervention_actions_session" ON "intervention_actions" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_notification_preferences_user" ON "notification_preferences" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "paused_sessions_one_open_per_session" ON "paused_sessions" USING btree ("session_id") WHERE NOT "paused_sessions"."resolved";--> statement-breakpoint
CREATE INDEX "idx_paused_sessions_active" ON "paused_sessions" USING btree ("paused_at") WHERE NOT "paused_sessions"."resolved";--> statement-breakpoint
CREATE INDEX "idx_paused_sessions_paused_at" ON "paused_sessions" USING btree ("paused_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_paused_sessions_session" ON "paused_sessions" USING btree ("session_id","paused_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "checkpoint_recoveries_one_in_progress" ON "checkpoint_recoveries" USING btree ("session_id") WHERE "checkpoint_recoveries"."recovery_status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "idx_checkpoint_recoveries_started" ON "checkpoint_recoveries" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_checkpoint_recoveries_checkpoint" ON "checkpoint_recoveries" USING btree ("checkpoint_id");--> statement-breakpoint
CREATE INDEX "idx_checkpoint_recoveries_session" ON "checkpoint_recoveries" USING btree ("session_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "session_checkpoints_session_sequence_key" ON "session_checkpoints" USING btree ("session_id","sequence");--> statement-breakpoint
CREATE INDEX "idx_session_checkpoints_created" ON "session_checkpoints" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_execution_events_aggregate" ON "execution_events" USING btree ("aggregate_type","aggregate_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_execution_events_conversation" ON "execution_events" USING btree (("metadata"->>'conversation_id'));--> statement-breakpoint
CREATE INDEX "idx_execution_events_correlation" ON "execution_events" USING btree (("metadata"->>'correlation_id'));--> statement-breakpoint
CREATE INDEX "idx_execution_events_created" ON "execution_events" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_user_id" ON "user_tool_history" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_tool_name" ON "user_tool_history" USING btree ("tool_name");--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_success" ON "user_tool_history" USING btree ("success");--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_created_at" ON "user_tool_history" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_user_created" ON "user_tool_history" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_metrics" ON "user_tool_history" USING btree ("tool_name","created_at","success","execution_time_ms");--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures" ON "user_tool_history" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures_tool" ON "user_tool_history" USING btree ("tool_name","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";--> statement-breakpoint
CREATE INDEX "idx_user_tool_history_failures_user" ON "user_tool_history" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE NOT "user_tool_history"."success";--> statement-breakpoint
CREATE INDEX "idx_db_retry_log_minute" ON "db_retry_log" USING btree ("minute" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_items_checklist_position_key" ON "checklist_items" USING btree ("checklist_id","position");--> statement-breakpoint
CREATE INDEX "idx_checklist_items_section" ON "checklist_items" USING btree ("section_id");--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_sections_checklist_position_key" ON "checklist_sections" USING btree ("checklist_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_signoffs_one_active_per_role" ON "checklist_signoffs" USING btree ("checklist_id","role") WHERE "checklist_signoffs"."voided_at" IS NULL;--> statement-breakpoint
CREATE INDEX "idx_deployment_checklists_created" ON "deployment_checklists" USING btree ("is_template","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_audit_log_created" ON "audit_log" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_audit_log_actor" ON "audit_log" USING btree ("actor_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_audit_log_action" ON "audit_log" USING btree ("action","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_audit_log_target" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "idx_audit_log_checklist" ON "audit_log" USING btree (("details"->>'checklistId'),"id" DESC NULLS LAST) WHERE "audit_log"."details" ? 'checklistId';--> statement-breakpoint
CREATE INDEX "idx_idempotency_keys_created" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_notification_deliveries_due" ON "notification_deliveries" USING btree ("next_attempt_at") WHERE "notification_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "idx_notification_deliveries_created" ON "notification_deliveries" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_notifications_user_unread" ON "notifications" USING btree ("user_id","created_at" DESC NULLS LAST) WHERE "notifications"."read_at" IS NULL;--> statement-breakpoint
CREATE INDEX "idx_notifications_user" ON "notifications" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_rollup_dirty_kind" ON "rollup_dirty" USING btree ("kind","hour");--> statement-breakpoint
CREATE INDEX "idx_tool_execution_hours_tool" ON "tool_execution_hours" USING btree ("tool_name","hour");