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
ALTER TABLE "checklist_items" ADD COLUMN "section_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "checklist_sections" ADD CONSTRAINT "checklist_sections_checklist_id_deployment_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."deployment_checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_sections_checklist_position_key" ON "checklist_sections" USING btree ("checklist_id","position");--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_section_id_checklist_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."checklist_sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_checklist_items_section" ON "checklist_items" USING btree ("section_id");--> statement-breakpoint
CREATE INDEX "idx_audit_log_checklist" ON "audit_log" USING btree (("details"->>'checklistId'),"id" DESC NULLS LAST) WHERE "audit_log"."details" ? 'checklistId';