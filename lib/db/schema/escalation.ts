import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { inList, roles, type PauseType, type Role } from './enums';
import { pausedSessions } from './interventions';

/**
 * Pause deadlines and the escalation ladder (lib/escalation). Hand-written migration drizzle/0012_escalation_policies.sql.
 * A step's `afterSeconds` counts from the pause; steps run in order, each once (escalation_step_runs is the claim).
 */
export type EscalationStep =
  | { kind: 'notify'; afterSeconds: number; users: string[]; role: Role | null; channelId: string | null }
  | { kind: 'reassign'; afterSeconds: number; toUser: string | null; onCallRole: Role | null }
  | { kind: 'resume' | 'abort' | 'restore'; afterSeconds: number };

export const escalationPolicies = pgTable(
  'escalation_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    projects: text('projects').array().notNull().default(sql`'{}'::text[]`),
    pauseTypes: text('pause_types').array().$type<PauseType[]>().notNull().default(sql`'{}'::text[]`),
    steps: jsonb('steps').$type<EscalationStep[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    unique('escalation_policies_name_key').on(t.name),
    check('escalation_policies_steps_array', sql`jsonb_typeof(${t.steps}) = 'array'`),
  ],
);

export const escalationStepRuns = pgTable(
  'escalation_step_runs',
  {
    pausedSessionId: uuid('paused_session_id')
      .notNull()
      .references(() => pausedSessions.id, { onDelete: 'cascade' }),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => escalationPolicies.id, { onDelete: 'cascade' }),
    stepIndex: integer('step_index').notNull(),
    kind: text('kind').notNull(),
    outcome: text('outcome').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ranAt: timestamp('ran_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'escalation_step_runs_pkey', columns: [t.pausedSessionId, t.policyId, t.stepIndex] })],
);

export const escalationOnCall = pgTable(
  'escalation_on_call',
  {
    role: text('role', { enum: roles }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'escalation_on_call_pkey', columns: [t.role, t.userId] }),
    check('escalation_on_call_role_check', sql.raw(`role IN (${inList(roles)})`)),
  ],
);

export type EscalationPolicy = typeof escalationPolicies.$inferSelect;
export type EscalationStepRun = typeof escalationStepRuns.$inferSelect;
