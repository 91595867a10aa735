import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { userActor } from '@/lib/auth/actor';
import { demoUsers } from '@/lib/auth/demo-users';
import { restoreSession } from '@/lib/checkpoints/restore-from-pause';
import { setFourEyes } from '@/lib/checkpoints/four-eyes';
import { queryRows, type Db } from '@/lib/db/client';
import { agentSessions, checkpointRecoveries, pausedSessions, sessionCheckpoints, user } from '@/lib/db/schema';
import { saveEscalationPolicy, setOnCall } from '@/lib/escalation/policies';
import { policySchema } from '@/lib/escalation/schemas';
import { saveProjectSettings } from '@/lib/projects/settings';
import { enforceBudgets } from '@/lib/usage/budget';

/**
 * What an admin sets up in the first hour, on top of the seeded fleet (lib/seed/demo.ts): escalation policies with
 * an engineer on call, budgets per project (today one project is over its daily cost budget, another near it),
 * four-eyes restores on one project with a restore awaiting a second engineer. Everything goes through the
 * functions the console's server actions call (with their audit rows and events), as the demo admin; the budget
 * that is over pauses one session through the budget guard, as a usage report would. Needs the demo users
 * (lib/auth/demo-users.ts) and runs once, right after the seed (`npm run demo`).
 */
export const DEMO_FOUR_EYES_PROJECT = 'infra-agent';
/** The project whose per-session token budget the seeded "Token budget exhausted (200k / 200k)" pauses refer to. */
const TOKEN_BUDGET_PROJECT = 'checkout-service';

export type DemoSetup = {
  policies: string[];
  budgets: { project: string; dailyCostUsd: number; todayCostUsd: number }[];
  over: string | null;
  near: string | null;
  budgetPause: string | null;
  fourEyesProject: string;
  pendingRestore: string | null;
};

const cents = (v: number, round: (n: number) => number) => round(v * 100) / 100;

export async function seedDemoSetup(db: Db, options: { now?: Date } = {}): Promise<DemoSetup> {
  const now = options.now ?? new Date();
  const emails = demoUsers.filter((u) => u.role === 'admin' || u.role === 'engineer').map((u) => u.email);
  const people = await db.select().from(user).where(inArray(user.email, emails));
  const admin = people.find((p) => p.role === 'admin');
  const engineer = people.find((p) => p.role === 'engineer');
  if (!admin || !engineer) throw new Error('seedDemoSetup needs the demo admin and engineer (seedDemoUsers first)');
  const actor = userActor(admin, 'browser');

  // Escalation: the engineer is on call; checkout-service pages fast, the rest of the fleet more slowly.
  await setOnCall(db, { role: 'engineer', userId: engineer.id, onCall: true }, actor);
  const policies = [
    {
      name: 'Checkout: page within minutes',
      enabled: true,
      projects: ['checkout-service'],
      steps: [
        { kind: 'notify', afterMinutes: 5, role: 'engineer' },
        { kind: 'reassign', afterMinutes: 15, onCallRole: 'engineer' },
        { kind: 'notify', afterMinutes: 60, role: 'manager' },
      ],
    },
    {
      name: 'Fleet: nobody took the pause',
      enabled: true,
      projects: [],
      steps: [
        { kind: 'notify', afterMinutes: 30, role: 'engineer' },
        { kind: 'reassign', afterMinutes: 120, onCallRole: 'engineer' },
      ],
    },
  ];
  for (const p of policies) {
    const r = await saveEscalationPolicy(db, policySchema.parse(p), actor);
    if (!r.ok) throw new Error(`demo escalation policy "${p.name}": ${r.message}`);
  }

  // Four-eyes on infra-agent, and a restore of one of its open pauses (a failed step, by preference) waiting for a
  // second engineer's approval.
  await setFourEyes(db, { project: DEMO_FOUR_EYES_PROJECT, fourEyes: true }, actor);
  const candidates = await db
    .select({ pauseId: pausedSessions.id, sessionId: pausedSessions.sessionId })
    .from(pausedSessions)
    .innerJoin(agentSessions, eq(agentSessions.id, pausedSessions.sessionId))
    .where(
      and(
        eq(agentSessions.project, DEMO_FOUR_EYES_PROJECT),
        eq(pausedSessions.resolved, false),
        sql`EXISTS (SELECT 1 FROM ${sessionCheckpoints} c WHERE c.session_id = ${agentSessions.id} AND c.is_valid)`,
        sql`NOT EXISTS (SELECT 1 FROM ${checkpointRecoveries} r WHERE r.session_id = ${agentSessions.id} AND r.recovery_status = 'in_progress')`,
      ),
    )
    .orderBy(sql`${pausedSessions.pauseType} = 'error' DESC`, desc(pausedSessions.pausedAt));
  let pendingRestore: string | null = null;
  for (const c of candidates) {
    const r = await restoreSession(
      db,
      { pausedSessionId: c.pauseId, note: 'Back to the last good checkpoint, before the failing step; please check the plan and approve.' },
      actor,
    );
    if (r.ok && r.pending) {
      pendingRestore = r.requestId;
      break;
    }
  }
  // Budgets. Today's cost per project (UTC day, as the budget guard counts it) and the costliest running session.
  const spend = await queryRows<{ project: string; today: number; session_max: number; session_max_tokens: number }>(
    db,
    sql`SELECT s.project,
          coalesce((SELECT sum(cost) FROM usage_records u WHERE u.project = s.project AND u.created_at >= fd_day(${now.toISOString()}::timestamptz)), 0)::float8 AS today,
          max(x.cost)::float8 AS session_max, max(x.tokens)::float8 AS session_max_tokens
        FROM agent_sessions s
        LEFT JOIN LATERAL (SELECT coalesce(sum(cost), 0) AS cost, coalesce(sum(input_tokens + output_tokens), 0) AS tokens
                           FROM usage_records u WHERE u.session_id = s.id) x ON s.status = 'running'
        GROUP BY s.project ORDER BY today DESC, s.project`,
  );
  const [overRow, nearRow] = spend.filter((r) => Number(r.today) > 0);
  const budgets: DemoSetup['budgets'] = [];
  for (const r of spend) {
    const today = Number(r.today);
    // Over: 80 % of what the project spent today. Near: what it spent is about 88 % of the budget. The rest: room.
    const daily =
      r === overRow
        ? today * 0.8 >= 10 ? Math.floor(today * 0.8) : Math.max(0.01, cents(today * 0.8, Math.floor))
        : r === nearRow
          ? today / 0.88 > 10 ? Math.ceil(today / 0.88) : cents(today / 0.88, Math.ceil)
          : Math.max(10, Math.ceil((today * 2.5) / 10) * 10);
    // Per-session budgets above every running session's usage (nothing the guard would have paused already).
    const sessionCost = Math.max(5, Math.ceil((Number(r.session_max ?? 0) * 1.25) / 5) * 5);
    const sessionTokens = r.project === TOKEN_BUDGET_PROJECT ? Math.max(200_000, Math.ceil((Number(r.session_max_tokens ?? 0) * 1.2) / 100_000) * 100_000) : null;
    await saveProjectSettings(
      db,
      { project: r.project, heartbeatTimeoutS: null, sessionBudgetCostUsd: sessionCost, sessionBudgetTokens: sessionTokens, dailyBudgetCostUsd: daily, dailyBudgetTokens: null },
      actor,
    );
    budgets.push({ project: r.project, dailyCostUsd: daily, todayCostUsd: today });
  }
  // The over-budget project's latest usage report came from one running session: the guard pauses it (pause type
  // budget, reason naming the figure), as POST /api/v1/tool-executions would have.
  let budgetPause: string | null = null;
  if (overRow) {
    const [last] = await queryRows<{ session_id: string }>(
      db,
      sql`SELECT u.session_id FROM usage_records u JOIN agent_sessions s ON s.id = u.session_id
          WHERE u.project = ${overRow.project} AND s.status = 'running' ORDER BY u.created_at DESC LIMIT 1`,
    );
    if (last) budgetPause = (await enforceBudgets(db, { sessionIds: [last.session_id], now })).get(last.session_id)?.pausedSessionId ?? null;
  }

  return {
    policies: policies.map((p) => p.name),
    budgets,
    over: overRow?.project ?? null,
    near: nearRow?.project ?? null,
    budgetPause,
    fourEyesProject: DEMO_FOUR_EYES_PROJECT,
    pendingRestore,
  };
}
