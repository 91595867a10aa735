import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { seedDemoUsers } from '@/lib/auth/demo-users';
import { queryRows } from '@/lib/db/client';
import { listUsageByProject } from '@/lib/analytics/usage';
import { catchUpRollups, rollupRows } from '@/lib/analytics/rollups';
import { countPausesPastDeadline } from '@/lib/interventions/deadlines';
import { getBudgetStatus } from '@/lib/usage/budget';
import { describeEachDb } from '@/lib/test/db';
import { seed } from './index';
import { DEMO_FOUR_EYES_PROJECT, seedDemoSetup, type DemoSetup } from './demo-setup';

/**
 * What README promises the demo shows beyond the seeded fleet (`npm run demo` seeds, creates the demo users, then
 * runs seedDemoSetup): escalation policies with steps, a budget per project with one over and one near its daily
 * limit, four-eyes on one project with a restore awaiting approval, and usage (cost, tokens) for the cost charts.
 */
const now = new Date('2026-03-01T12:00:00Z');

describeEachDb('demo setup (npm run demo)', (t) => {
  const rows = <T = Record<string, unknown>>(text: string) => queryRows<T>(t().db, sql.raw(text));
  let setup: DemoSetup;

  it('seeds the fleet, the users and the setup', async () => {
    expect((await seed(t().db, { scale: 'demo', now })).ok).toBe(true);
    await seedDemoUsers(t().db);
    setup = await seedDemoSetup(t().db, { now });
    expect(setup.over).not.toBeNull();
    expect(setup.near).not.toBeNull();
  });

  it('has enabled escalation policies with steps, an engineer on call, and pauses past their deadline', async () => {
    const policies = await rows<{ name: string; steps: number }>('SELECT name, jsonb_array_length(steps) AS steps FROM escalation_policies WHERE enabled ORDER BY created_at');
    expect(policies.map((p) => p.name)).toEqual(setup.policies);
    for (const p of policies) expect(Number(p.steps)).toBeGreaterThanOrEqual(2);
    expect(await rows("SELECT 1 FROM escalation_on_call WHERE role = 'engineer'")).toHaveLength(1);
    expect(await countPausesPastDeadline(t().db, { now })).toBeGreaterThan(0);
  });

  it('has a budget per project: one project over its daily cost budget (a session paused for it), one near it', async () => {
    const [{ n }] = await rows<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT DISTINCT project FROM agent_sessions) p JOIN project_settings s USING (project) WHERE s.daily_budget_cost_usd IS NOT NULL',
    );
    expect(Number(n)).toBe(4);
    const over = setup.budgets.find((b) => b.project === setup.over)!;
    const near = setup.budgets.find((b) => b.project === setup.near)!;
    expect(over.todayCostUsd).toBeGreaterThanOrEqual(over.dailyCostUsd);
    expect(near.todayCostUsd / near.dailyCostUsd).toBeGreaterThanOrEqual(0.75);
    expect(near.todayCostUsd / near.dailyCostUsd).toBeLessThan(1);
    // The budget guard paused the session whose report crossed it, and the session page's burn bar shows it over.
    const [pause] = await rows<{ session_id: string; reason: string; resolved: boolean }>(
      `SELECT session_id, reason, resolved FROM paused_sessions WHERE id = '${setup.budgetPause}' AND pause_type = 'budget'`,
    );
    expect(pause.reason).toMatch(new RegExp(`^Project ${setup.over} daily cost budget reached: \\$`));
    expect(pause.resolved).toBe(false);
    const status = await getBudgetStatus(t().db, { sessionId: pause.session_id, now });
    expect(status!.daily.costUsd).toBeGreaterThanOrEqual(status!.daily.maxCostUsd!);
    // No running session is past its own per-session budget (the guard would have paused it).
    const [past] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM agent_sessions s JOIN project_settings p USING (project)
      WHERE s.status = 'running' AND (SELECT coalesce(sum(cost), 0) FROM usage_records u WHERE u.session_id = s.id) >= p.session_budget_cost_usd`);
    expect(Number(past.n)).toBe(0);
  });

  it('has four-eyes on one project with a restore awaiting a second approval', async () => {
    const on = await rows<{ project: string }>('SELECT project FROM project_restore_policy WHERE four_eyes');
    expect(on.map((r) => r.project)).toEqual([DEMO_FOUR_EYES_PROJECT]);
    const pending = await rows<{ id: string; project: string; resolved: boolean }>(
      `SELECT r.id, s.project, p.resolved FROM restore_requests r JOIN agent_sessions s ON s.id = r.session_id
       JOIN paused_sessions p ON p.id = r.paused_session_id WHERE r.status = 'pending'`,
    );
    expect(pending).toEqual([{ id: setup.pendingRestore, project: DEMO_FOUR_EYES_PROJECT, resolved: false }]);
  });

  it('has usage for the cost and token charts: every seeded session reports it, the last 7 days have cost per project', async () => {
    const [u] = await rows<{ sessions: number; without: number }>(`SELECT
      (SELECT count(DISTINCT session_id)::int FROM usage_records) AS sessions,
      (SELECT count(*)::int FROM agent_sessions s WHERE NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.session_id = s.id)) AS without`);
    expect(Number(u.without)).toBe(0);
    // The background job folds the seed's rows into the roll-ups Overview reads.
    await catchUpRollups(t().db);
    const from = new Date(now.getTime() - 7 * 86_400_000);
    const series = await listUsageByProject(t().db, { from, to: now, bucket: 'day' }, rollupRows('usage', { from, to: now }));
    expect(series.projects.length).toBe(4);
    const cost = series.points.reduce((a, p) => a + Object.values(p.cost).reduce((x, y) => x + y, 0), 0);
    expect(cost).toBeGreaterThan(10);
  });
});
