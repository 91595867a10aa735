import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  jsonb,
  primaryKey,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { ApprovalPolicy } from '@/lib/checklists/policy-types';
import { checklistPhases, checklistStatuses, inList, signoffRoles } from './enums';

export const deploymentChecklists = pgTable(
  'deployment_checklists',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    isTemplate: boolean('is_template').notNull().default(false),
    // An instance remembers its template; deleting a template keeps its instances.
    templateId: uuid('template_id').references((): AnyPgColumn => deploymentChecklists.id, { onDelete: 'set null' }),
    version: text('version'),
    environment: text('environment'),
    targetDate: date('target_date'),
    status: text('status', { enum: checklistStatuses }).notNull().default('draft'),
    requiredRoles: text('required_roles').array().notNull().default(sql`'{development,qa,devops,production}'::text[]`),
    // Who must sign, how many, and the self-review rules; a template's is copied onto each checklist made from it.
    // NULL: one sign-off per required role by anyone whose console role may sign it (the behaviour before 0014).
    approvalPolicy: jsonb('approval_policy').$type<ApprovalPolicy>(),
    commitSha: text('commit_sha'),
    link: text('link'),
    deployedAt: timestamp('deployed_at', { withTimezone: true }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('deployment_checklists_status_check', sql.raw(`status IN (${inList(checklistStatuses)})`)),
    index('idx_deployment_checklists_created').on(t.isTemplate, t.createdAt.desc()),
    // One checklist per release: POST /api/v1/checklists is idempotent on it.
    uniqueIndex('deployment_checklists_release_key')
      .on(t.templateId, t.version, t.environment)
      .where(sql`${t.templateId} IS NOT NULL AND ${t.version} IS NOT NULL AND ${t.environment} IS NOT NULL`),
    index('idx_deployment_checklists_environment')
      .on(t.environment, t.createdAt.desc())
      .where(sql`${t.environment} IS NOT NULL AND NOT ${t.isTemplate}`),
  ],
);

// A section in document order. Sections exist on their own (not only as a label on items) so that a section
// without tickable items (the seeds' "Rollback Criteria" is prose) survives, and so that a sign-off role's own
// section ("### QA Team" under "## Sign-Off") is covered by that role alone.
export const checklistSections = pgTable(
  'checklist_sections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    checklistId: uuid('checklist_id')
      .notNull()
      .references(() => deploymentChecklists.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    phase: text('phase', { enum: checklistPhases }).notNull(),
    title: text('title').notNull(),
    // Prose and plain bullets of the section, kept verbatim (the rollback criteria usually live here).
    description: text('description'),
    // Set on a sign-off block's role section: only that role's sign-off covers it.
    signoffRole: text('signoff_role', { enum: signoffRoles }),
  },
  (t) => [
    check('checklist_sections_phase_check', sql.raw(`phase IN (${inList(checklistPhases)})`)),
    check('checklist_sections_signoff_role_check', sql.raw(`signoff_role IN (${inList(signoffRoles)})`)),
    uniqueIndex('checklist_sections_checklist_position_key').on(t.checklistId, t.position),
  ],
);

export const checklistItems = pgTable(
  'checklist_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    checklistId: uuid('checklist_id')
      .notNull()
      .references(() => deploymentChecklists.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => checklistSections.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => checklistItems.id, { onDelete: 'cascade' }),
    // phase and section_title copy the section's (sections are never renamed) so an item row read alone, e.g. in
    // the audit trail, still says where it belongs.
    phase: text('phase', { enum: checklistPhases }).notNull(),
    sectionTitle: text('section_title').notNull(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    required: boolean('required').notNull().default(true),
    command: text('command'),
    // The fence's info string of the command (```bash → 'bash'), so an export writes the block as it was imported.
    commandLanguage: text('command_language'),
    checked: boolean('checked').notNull().default(false),
    checkedBy: text('checked_by'),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    note: text('note'),
    // Marked failed (a check that did not pass): the release gate fails while a required item is failed.
    failedAt: timestamp('failed_at', { withTimezone: true }),
    failedBy: text('failed_by'),
  },
  (t) => [
    check('checklist_items_phase_check', sql.raw(`phase IN (${inList(checklistPhases)})`)),
    check('checklist_items_checked_consistent', sql`${t.checked} = (${t.checkedAt} IS NOT NULL)`),
    // A checklist's items in document order.
    uniqueIndex('checklist_items_checklist_position_key').on(t.checklistId, t.position),
    index('idx_checklist_items_section').on(t.sectionId),
  ],
);

export const checklistSignoffs = pgTable(
  'checklist_signoffs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    checklistId: uuid('checklist_id')
      .notNull()
      .references(() => deploymentChecklists.id, { onDelete: 'cascade' }),
    role: text('role', { enum: signoffRoles }).notNull(),
    signedBy: text('signed_by').notNull(),
    signedByName: text('signed_by_name'),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidedBy: text('voided_by'),
    voidReason: text('void_reason'),
  },
  (t) => [
    check('checklist_signoffs_role_check', sql.raw(`role IN (${inList(signoffRoles)})`)),
    // One standing sign-off per role and person (a policy may ask several people for a role); voided ones stay.
    uniqueIndex('checklist_signoffs_one_active_per_person')
      .on(t.checklistId, t.role, t.signedBy)
      .where(sql`${t.voidedAt} IS NULL`),
  ],
);

/** Which roles a pending gate has already notified (once per role until the role is satisfied again). */
export const checklistGateNotices = pgTable(
  'checklist_gate_notices',
  {
    checklistId: uuid('checklist_id')
      .notNull()
      .references(() => deploymentChecklists.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'checklist_gate_notices_pkey', columns: [t.checklistId, t.role] })],
);

export type DeploymentChecklist = typeof deploymentChecklists.$inferSelect;
export type NewDeploymentChecklist = typeof deploymentChecklists.$inferInsert;
export type ChecklistSection = typeof checklistSections.$inferSelect;
export type NewChecklistSection = typeof checklistSections.$inferInsert;
export type ChecklistItem = typeof checklistItems.$inferSelect;
export type NewChecklistItem = typeof checklistItems.$inferInsert;
export type ChecklistSignoff = typeof checklistSignoffs.$inferSelect;
