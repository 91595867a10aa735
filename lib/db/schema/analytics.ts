import {
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Roll-ups behind the Overview and Tools pages. They are derived data: triggers (drizzle/0001) mark the hours a
 * write touched in `rollup_dirty`, and lib/analytics/rollups.ts recomputes exactly those hours from the raw
 * rows. `npm run rollups:rebuild` recomputes everything. Durations are kept as fixed log2-scale histograms
 * (`*_buckets`, see lib/analytics/histogram.ts) so percentiles over any range come from sums of roll-up rows.
 */
export const rollupDirty = pgTable(
  'rollup_dirty',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // tool | tool_user_day | pause | recovery | retry | session
    kind: text('kind').notNull(),
    // Hour start (UTC); for tool_user_day the day start.
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    userId: text('user_id'),
  },
  // Processing order: the refresh takes marks oldest-first in batches.
  (t) => [index('idx_rollup_dirty_kind').on(t.kind, t.hour)],
);

/**
 * Per end user, tool runs in the 30 UTC days from rollup_state.tool_users_from (drizzle/0009): the Tools page's user
 * picker reads its first rows in index order. Kept by the roll-up refresh.
 */
export const toolUsers = pgTable(
  'tool_users',
  {
    userId: text('user_id').primaryKey(),
    runs: integer('runs').notNull(),
  },
  (t) => [index('idx_tool_users_runs').on(t.runs.desc(), t.userId)],
);

/** One row: when the roll-ups were last caught up ("figures as of"), and the first day tool_users counts. */
export const rollupState = pgTable('rollup_state', {
  id: integer('id').primaryKey().default(1),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }),
  toolUsersFrom: date('tool_users_from', { mode: 'string' }),
});

// The measure columns of each hourly roll-up and its daily twin (a day row is the sum of its hours), built fresh
// for each table: a Drizzle column belongs to one table.

/** Per tool: runs, successes, time and latency histogram, ratings. */
const toolExecutionMeasures = () => ({
  toolName: text('tool_name').notNull(),
  executions: integer('executions').notNull(),
  successes: integer('successes').notNull(),
  timeSumMs: bigint('time_sum_ms', { mode: 'number' }).notNull(),
  latencyBuckets: integer('latency_buckets').array().notNull(),
  satisfactionSum: integer('satisfaction_sum').notNull(),
  satisfactionCount: integer('satisfaction_count').notNull(),
});

/** Per pause type: pauses, their resolutions, the time-to-resume histogram. */
const interventionMeasures = () => ({
  pauseType: text('pause_type').notNull(),
  pauses: integer('pauses').notNull(),
  resumed: integer('resumed').notNull(),
  restored: integer('restored').notNull(),
  aborted: integer('aborted').notNull(),
  resumeSecondsSum: doublePrecision('resume_seconds_sum').notNull(),
  resumeBuckets: integer('resume_buckets').array().notNull(),
  /** Pauses started in the hour that a person acted on, and the seconds to that first action (drizzle/0021). */
  acted: integer('acted').notNull().default(0),
  firstActionBuckets: integer('first_action_buckets').array().notNull().default(sql`array_fill(0, ARRAY[20])`),
});

/** Per recovery method and status: recoveries and their duration. */
const recoveryMeasures = () => ({
  recoveryMethod: text('recovery_method').notNull(),
  recoveryStatus: text('recovery_status').notNull(),
  recoveries: integer('recoveries').notNull(),
  durationSecondsSum: doublePrecision('duration_seconds_sum').notNull(),
  durationCount: integer('duration_count').notNull(),
});

/** Per error class: retries, recovered, failed. */
const retryMeasures = () => ({
  errorClass: text('error_class').notNull(),
  retries: integer('retries').notNull(),
  recovered: integer('recovered').notNull(),
  failed: integer('failed').notNull(),
});

/** Per tool and hour (by created_at). */
export const toolExecutionHours = pgTable(
  'tool_execution_hours',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    ...toolExecutionMeasures(),
  },
  (t) => [
    // Overview/Tools range queries scan by hour, then group by tool. (No query filters by tool first:
    // idx_tool_execution_hours_tool was dropped in drizzle/0003.)
    primaryKey({ name: 'tool_execution_hours_pkey', columns: [t.hour, t.toolName] }),
  ],
);

/**
 * Sessions started and ended per hour (by started_at / ended_at). With the live count of active sessions they
 * give the count at any past hour boundary: active(T) = active(now) − started since T + ended since T.
 */
export const sessionHours = pgTable('session_hours', {
  hour: timestamp('hour', { withTimezone: true }).primaryKey(),
  started: integer('started').notNull(),
  ended: integer('ended').notNull(),
});

/** Per (end user, tool, UTC day): what the preference model reads (lib/tools/preference.ts). */
export const toolUserDays = pgTable(
  'tool_user_days',
  {
    userId: text('user_id').notNull(),
    toolName: text('tool_name').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    runs: integer('runs').notNull(),
    successes: integer('successes').notNull(),
    satisfactionSum: integer('satisfaction_sum').notNull(),
    satisfactionCount: integer('satisfaction_count').notNull(),
  },
  (t) => [primaryKey({ name: 'tool_user_days_pkey', columns: [t.userId, t.toolName, t.day] })],
);

/**
 * Per pause type and hour. `pauses` counts by paused_at; the resolution columns count by resolved_at, so
 * "time to resume in this period" means resumes that happened in it. Time to resume = resolved_at − paused_at
 * of pauses resolved by resume or restore.
 */
export const interventionHours = pgTable(
  'intervention_hours',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    ...interventionMeasures(),
  },
  (t) => [primaryKey({ name: 'intervention_hours_pkey', columns: [t.hour, t.pauseType] })],
);

/** Per recovery method, status and hour (by started_at). */
export const recoveryHours = pgTable(
  'recovery_hours',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    ...recoveryMeasures(),
  },
  (t) => [primaryKey({ name: 'recovery_hours_pkey', columns: [t.hour, t.recoveryMethod, t.recoveryStatus] })],
);

/** db_retry_log (per minute) summed per hour and error class. */
export const retryHours = pgTable(
  'retry_hours',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    ...retryMeasures(),
  },
  (t) => [primaryKey({ name: 'retry_hours_pkey', columns: [t.hour, t.errorClass] })],
);

/**
 * Daily twins of the hourly roll-ups (drizzle/0002): a row is the sum of that UTC day's hourly rows, recomputed
 * with them (lib/analytics/rollups.ts). Range queries read whole days here and the partial days at the edges from
 * the hourly tables (`rollupRows`), so a 30-day range reads ~30 rows per key instead of ~720.
 */
export const toolExecutionDays = pgTable(
  'tool_execution_days',
  {
    day: timestamp('day', { withTimezone: true }).notNull(),
    ...toolExecutionMeasures(),
  },
  (t) => [primaryKey({ name: 'tool_execution_days_pkey', columns: [t.day, t.toolName] })],
);

export const interventionDays = pgTable(
  'intervention_days',
  {
    day: timestamp('day', { withTimezone: true }).notNull(),
    ...interventionMeasures(),
  },
  (t) => [primaryKey({ name: 'intervention_days_pkey', columns: [t.day, t.pauseType] })],
);

export const recoveryDays = pgTable(
  'recovery_days',
  {
    day: timestamp('day', { withTimezone: true }).notNull(),
    ...recoveryMeasures(),
  },
  (t) => [primaryKey({ name: 'recovery_days_pkey', columns: [t.day, t.recoveryMethod, t.recoveryStatus] })],
);

export const retryDays = pgTable(
  'retry_days',
  {
    day: timestamp('day', { withTimezone: true }).notNull(),
    ...retryMeasures(),
  },
  (t) => [primaryKey({ name: 'retry_days_pkey', columns: [t.day, t.errorClass] })],
);

export const sessionDays = pgTable('session_days', {
  day: timestamp('day', { withTimezone: true }).primaryKey(),
  started: integer('started').notNull(),
  ended: integer('ended').notNull(),
});

export type SessionHour = typeof sessionHours.$inferSelect;
export type ToolExecutionHour = typeof toolExecutionHours.$inferSelect;
export type ToolUserDay = typeof toolUserDays.$inferSelect;
export type InterventionHour = typeof interventionHours.$inferSelect;
export type RecoveryHour = typeof recoveryHours.$inferSelect;
export type RetryHour = typeof retryHours.$inferSelect;

/** Usage (usage_records) per project and hour / UTC day, by created_at (drizzle/0011). */
const usageColumns = {
  project: text('project').notNull(),
  reports: integer('reports').notNull(),
  inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
  outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
  costUsd: doublePrecision('cost_usd').notNull(),
};
export const usageHours = pgTable('usage_hours', { hour: timestamp('hour', { withTimezone: true }).notNull(), ...usageColumns }, (t) => [
  primaryKey({ name: 'usage_hours_pkey', columns: [t.hour, t.project] }),
]);
export const usageDays = pgTable('usage_days', { day: timestamp('day', { withTimezone: true }).notNull(), ...usageColumns }, (t) => [
  primaryKey({ name: 'usage_days_pkey', columns: [t.day, t.project] }),
]);
