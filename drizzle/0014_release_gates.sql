-- Hand-written: release gates (issue 24). A checklist's approval policy (snapshotted from its template at
-- creation), the release it is for (commit, link, when it was deployed), items marked failed, several standing
-- sign-offs per role (one per person), gate notifications and the idempotency key of a release checklist.
ALTER TABLE "deployment_checklists" ADD COLUMN IF NOT EXISTS "approval_policy" jsonb;
--> statement-breakpoint
ALTER TABLE "deployment_checklists" ADD COLUMN IF NOT EXISTS "commit_sha" text;
--> statement-breakpoint
ALTER TABLE "deployment_checklists" ADD COLUMN IF NOT EXISTS "link" text;
--> statement-breakpoint
ALTER TABLE "deployment_checklists" ADD COLUMN IF NOT EXISTS "deployed_at" timestamp with time zone;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "deployment_checklists_release_key" ON "deployment_checklists" ("template_id", "version", "environment")
  WHERE "template_id" IS NOT NULL AND "version" IS NOT NULL AND "environment" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_deployment_checklists_environment" ON "deployment_checklists" ("environment", "created_at" DESC)
  WHERE "environment" IS NOT NULL AND NOT "is_template";
--> statement-breakpoint
ALTER TABLE "checklist_items" ADD COLUMN IF NOT EXISTS "failed_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "checklist_items" ADD COLUMN IF NOT EXISTS "failed_by" text;
--> statement-breakpoint
DROP INDEX IF EXISTS "checklist_signoffs_one_active_per_role";
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "checklist_signoffs_one_active_per_person" ON "checklist_signoffs" ("checklist_id", "role", "signed_by")
  WHERE "voided_at" IS NULL;
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN IF NOT EXISTS "checklist_id" uuid REFERENCES "deployment_checklists"("id") ON DELETE CASCADE;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "checklist_gate_notices" (
  "checklist_id" uuid NOT NULL REFERENCES "deployment_checklists"("id") ON DELETE CASCADE,
  "role" text NOT NULL,
  "created_at" timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT "checklist_gate_notices_pkey" PRIMARY KEY ("checklist_id", "role")
);
