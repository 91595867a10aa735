import { sql } from 'drizzle-orm';
import { bigint, check, integer, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Per-project policy set in Settings → Projects (admin); hand-written migration drizzle/0011_watchdog_budgets.sql.
 * NULL means the built-in default: HEARTBEAT_TIMEOUT_S for the watchdog, no budget for the budgets.
 */
export const projectSettings = pgTable(
  'project_settings',
  {
    project: text('project').primaryKey(),
    heartbeatTimeoutS: integer('heartbeat_timeout_s'),
    sessionBudgetCostUsd: numeric('session_budget_cost_usd', { precision: 18, scale: 6, mode: 'number' }),
    sessionBudgetTokens: bigint('session_budget_tokens', { mode: 'number' }),
    dailyBudgetCostUsd: numeric('daily_budget_cost_usd', { precision: 18, scale: 6, mode: 'number' }),
    dailyBudgetTokens: bigint('daily_budget_tokens', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    check(
      'project_settings_positive',
      sql`(${t.heartbeatTimeoutS} IS NULL OR ${t.heartbeatTimeoutS} > 0) AND (${t.sessionBudgetCostUsd} IS NULL OR ${t.sessionBudgetCostUsd} > 0) AND (${t.sessionBudgetTokens} IS NULL OR ${t.sessionBudgetTokens} > 0) AND (${t.dailyBudgetCostUsd} IS NULL OR ${t.dailyBudgetCostUsd} > 0) AND (${t.dailyBudgetTokens} IS NULL OR ${t.dailyBudgetTokens} > 0)`,
    ),
  ],
);

export type ProjectSettings = typeof projectSettings.$inferSelect;
