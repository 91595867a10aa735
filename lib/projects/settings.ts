import { sql } from 'drizzle-orm';
import { actorLabel, type Actor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/log';
import { queryRows, type Db } from '@/lib/db/client';
import { projectSettings, type ProjectSettings } from '@/lib/db/schema';

/** What Settings → Projects sets per project; null = the default (HEARTBEAT_TIMEOUT_S; no budget). */
export type ProjectSettingsInput = {
  project: string;
  heartbeatTimeoutS: number | null;
  sessionBudgetCostUsd: number | null;
  sessionBudgetTokens: number | null;
  dailyBudgetCostUsd: number | null;
  dailyBudgetTokens: number | null;
};

const fields = ['heartbeatTimeoutS', 'sessionBudgetCostUsd', 'sessionBudgetTokens', 'dailyBudgetCostUsd', 'dailyBudgetTokens'] as const;

/** Saves one project's settings (upsert) with its audit row (`project.settings_update`, before and after). */
export async function saveProjectSettings(db: Db, input: ProjectSettingsInput, actor: Actor): Promise<{ ok: true; settings: ProjectSettings }> {
  return db.transaction(async (tx) => {
    const [before] = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT heartbeat_timeout_s, session_budget_cost_usd::float8, session_budget_tokens::float8, daily_budget_cost_usd::float8,
            daily_budget_tokens::float8 FROM project_settings WHERE project = ${input.project} FOR UPDATE`,
    );
    const values = Object.fromEntries(fields.map((f) => [f, input[f]])) as Omit<ProjectSettingsInput, 'project'>;
    const [settings] = await tx
      .insert(projectSettings)
      .values({ project: input.project, ...values, updatedBy: actorLabel(actor) })
      .onConflictDoUpdate({ target: projectSettings.project, set: { ...values, updatedAt: sql`now()`, updatedBy: actorLabel(actor) } })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'project.settings_update',
      targetType: 'project',
      targetId: input.project,
      outcome: 'success',
      details: { before: before ?? null, after: values },
    });
    return { ok: true, settings };
  });
}

export type ProjectSettingsRow = Omit<ProjectSettingsInput, 'project'> & {
  project: string;
  updatedAt: Date | null;
  updatedBy: string | null;
  /** What the project has used today (UTC), as its daily budgets count it. */
  today: { costUsd: number; tokens: number };
};

/**
 * Every project that has sessions or settings (up to 500), by name, with its settings (nulls when none saved) and
 * its usage today (idx_usage_records_project: today's rows of each project).
 */
export async function listProjectSettings(db: Db): Promise<ProjectSettingsRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH names AS (
          SELECT project FROM agent_sessions GROUP BY project
          UNION SELECT project FROM project_settings
        )
        SELECT n.project, p.heartbeat_timeout_s, p.session_budget_cost_usd::float8 AS session_budget_cost_usd,
          p.session_budget_tokens::float8 AS session_budget_tokens, p.daily_budget_cost_usd::float8 AS daily_budget_cost_usd,
          p.daily_budget_tokens::float8 AS daily_budget_tokens, p.updated_at, p.updated_by, u.cost AS today_cost, u.tokens AS today_tokens
        FROM names n LEFT JOIN project_settings p ON p.project = n.project
        CROSS JOIN LATERAL (SELECT coalesce(sum(cost), 0)::float8 AS cost, coalesce(sum(input_tokens + output_tokens), 0)::float8 AS tokens
          FROM usage_records WHERE project = n.project AND created_at >= fd_day(now())) u
        ORDER BY n.project LIMIT 500`,
  );
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    project: String(r.project),
    heartbeatTimeoutS: n(r.heartbeat_timeout_s),
    sessionBudgetCostUsd: n(r.session_budget_cost_usd),
    sessionBudgetTokens: n(r.session_budget_tokens),
    dailyBudgetCostUsd: n(r.daily_budget_cost_usd),
    dailyBudgetTokens: n(r.daily_budget_tokens),
    updatedAt: r.updated_at ? new Date(String(r.updated_at)) : null,
    updatedBy: r.updated_by ? String(r.updated_by) : null,
    today: { costUsd: Number(r.today_cost ?? 0), tokens: Number(r.today_tokens ?? 0) },
  }));
}
