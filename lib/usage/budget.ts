import { eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions } from '@/lib/db/schema';
import { signalSession } from '@/lib/events/bus';
import { auditPause, pauseLockedSessionInTx } from '@/lib/interventions/commands';

/** Flightdeck itself, pausing a session that crossed a budget: its rows say "system". */
export const budgetActor: Actor = { kind: 'system', id: 'budget-guard', name: 'system', via: 'api' };

export type BudgetKind = 'session_cost' | 'session_tokens' | 'daily_cost' | 'daily_tokens';

export type BudgetStatus = {
  sessionId: string;
  status: string;
  project: string;
  /** The session's budget in force: its own, else the project's per-session default; null = none. */
  budget: { maxCostUsd: number | null; maxTokens: number | null };
  daily: { maxCostUsd: number | null; maxTokens: number | null; day: string; costUsd: number; tokens: number };
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A session's usage against its budgets, and its project's usage today (UTC) against the daily budget. */
export async function getBudgetStatus(db: Db, input: { sessionId: string; now?: Date }): Promise<BudgetStatus | null> {
  const now = (input.now ?? new Date()).toISOString();
  const [r] = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT s.id, s.status, s.project,
          coalesce(s.budget_cost_usd, p.session_budget_cost_usd)::float8 AS max_cost,
          coalesce(s.budget_tokens, p.session_budget_tokens)::float8 AS max_tokens,
          p.daily_budget_cost_usd::float8 AS daily_max_cost, p.daily_budget_tokens::float8 AS daily_max_tokens,
          to_char(fd_day(${now}::timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
          u.input_tokens, u.output_tokens, u.cost, d.tokens AS day_tokens, d.cost AS day_cost
        FROM agent_sessions s
        LEFT JOIN project_settings p ON p.project = s.project
        CROSS JOIN LATERAL (SELECT coalesce(sum(input_tokens), 0)::float8 AS input_tokens,
            coalesce(sum(output_tokens), 0)::float8 AS output_tokens, coalesce(sum(cost), 0)::float8 AS cost
          FROM usage_records WHERE session_id = s.id) u
        CROSS JOIN LATERAL (SELECT coalesce(sum(input_tokens + output_tokens), 0)::float8 AS tokens,
            coalesce(sum(cost), 0)::float8 AS cost
          FROM usage_records
          WHERE (p.daily_budget_cost_usd IS NOT NULL OR p.daily_budget_tokens IS NOT NULL)
            AND project = s.project AND created_at >= fd_day(${now}::timestamptz)) d
        WHERE s.id = ${input.sessionId}`,
  );
  if (!r) return null;
  return {
    sessionId: String(r.id),
    status: String(r.status),
    project: String(r.project),
    budget: { maxCostUsd: num(r.max_cost), maxTokens: num(r.max_tokens) },
    daily: { maxCostUsd: num(r.daily_max_cost), maxTokens: num(r.daily_max_tokens), day: String(r.day), costUsd: Number(r.day_cost), tokens: Number(r.day_tokens) },
    usage: { inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens), costUsd: Number(r.cost) },
  };
}

export const formatUsd = (v: number) => `$${v === 0 ? '0' : v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
const formatTokens = (v: number) => `${v.toLocaleString('en-US')} tokens`;

type Crossing = { kind: BudgetKind; reason: string; limit: number; used: number; day?: string };

/** The first budget the status has reached (used ≥ limit), in the order session cost, session tokens, daily cost, daily tokens. */
function crossings(b: BudgetStatus): Crossing[] {
  const out: Crossing[] = [];
  const tokens = b.usage.inputTokens + b.usage.outputTokens;
  const { maxCostUsd, maxTokens } = b.budget;
  if (maxCostUsd !== null && b.usage.costUsd >= maxCostUsd) {
    out.push({ kind: 'session_cost', limit: maxCostUsd, used: b.usage.costUsd, reason: `Session cost budget reached: ${formatUsd(b.usage.costUsd)} of ${formatUsd(maxCostUsd)}` });
  }
  if (maxTokens !== null && tokens >= maxTokens) {
    out.push({ kind: 'session_tokens', limit: maxTokens, used: tokens, reason: `Session token budget reached: ${formatTokens(tokens)} of ${formatTokens(maxTokens)}` });
  }
  const d = b.daily;
  if (d.maxCostUsd !== null && d.costUsd >= d.maxCostUsd) {
    out.push({ kind: 'daily_cost', limit: d.maxCostUsd, used: d.costUsd, day: d.day, reason: `Project ${b.project} daily cost budget reached: ${formatUsd(d.costUsd)} of ${formatUsd(d.maxCostUsd)} on ${d.day} (UTC)` });
  }
  if (d.maxTokens !== null && d.tokens >= d.maxTokens) {
    out.push({ kind: 'daily_tokens', limit: d.maxTokens, used: d.tokens, day: d.day, reason: `Project ${b.project} daily token budget reached: ${formatTokens(d.tokens)} of ${formatTokens(d.maxTokens)} on ${d.day} (UTC)` });
  }
  return out;
}

export type BudgetPause = { pausedSessionId: string; reason: string };

/**
 * After usage is stored: pauses each named `running` session that has reached a budget (pause_type `budget`, a reason
 * naming the budget and the figure, actor system, with event, trail, notifications and audit row); the agent learns
 * it from its next control answer. A budget pauses a session once: a person who resumes it lets the session run past
 * that budget (a daily budget: for that day); the next budget crossed pauses it again. Race-safe: the session row is
 * locked, and the open-pause guard and the "already paused for this budget" test are read under the lock.
 */
export async function enforceBudgets(db: Db, input: { sessionIds: string[]; now?: Date }): Promise<Map<string, BudgetPause>> {
  const out = new Map<string, BudgetPause>();
  for (const sessionId of new Set(input.sessionIds.map((s) => s.toLowerCase()))) {
    const status = await getBudgetStatus(db, { sessionId, now: input.now });
    if (!status || status.status !== 'running') continue;
    const crossed = crossings(status);
    if (!crossed.length) continue;
    const paused = await db.transaction(async (tx): Promise<BudgetPause | null> => {
      const [s] = await tx.select().from(agentSessions).where(eq(agentSessions.id, sessionId)).for('update');
      if (!s || s.status !== 'running') return null;
      const seen = await queryRows<{ budget: string | null; day: string | null }>(
        tx,
        sql`SELECT context->>'budget' AS budget, context->>'day' AS day FROM paused_sessions
            WHERE session_id = ${sessionId} AND pause_type = 'budget'`,
      );
      const c = crossed.find((x) => !seen.some((p) => p.budget === x.kind && (x.day === undefined || p.day === x.day)));
      if (!c) return null;
      const r = await pauseLockedSessionInTx(
        tx,
        s,
        { sessionId, reason: c.reason, pauseType: 'budget', context: { budget: c.kind, limit: c.limit, used: c.used, ...(c.day ? { day: c.day } : {}) } },
        budgetActor,
        { keepLastSignOfLife: true },
      );
      if (!r.ok) return null;
      await auditPause(tx, budgetActor, 'pause', r.pause, { pauseType: 'budget', budget: c.kind, limit: c.limit, used: c.used });
      return { pausedSessionId: r.pause.id, reason: c.reason };
    });
    if (paused) {
      out.set(sessionId, paused);
      signalSession(sessionId);
    }
  }
  return out;
}
