import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it, vi } from 'vitest';
import { agentSessions, auditLog, projectSettings } from '@/lib/db/schema';
import { pauseSilentSessions } from '@/lib/interventions/watchdog';
import { describeEachDb } from '@/lib/test/db';
import { makeSession } from '@/lib/test/factories';

/** Settings → Projects: an admin sets a project's heartbeat timeout and budgets; the watchdog follows; others are refused. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-flightdeck-peer': '203.0.113.9' }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { createUser } = await import('@/lib/auth/users');
const { saveProjectSettingsAction } = await import('./actions');

describeEachDb('project settings action', (t) => {
  const as = async (role: 'admin' | 'manager') => {
    const email = `${role}-${randomUUID().slice(0, 6)}@example.com`;
    const u = await createUser(t().db, { email, role, password: 'a-long-pass-phrase-1' });
    if (!u.ok) throw new Error(role);
    state.session = { user: { id: u.user.id, email, name: role, role }, session: {} };
    return u.user.id;
  };
  beforeAll(() => {
    state.db = t().db;
  });
  const form = (values: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(values)) fd.set(k, v);
    return fd;
  };

  it('an admin saves a timeout and budgets (empty = default), audited; the watchdog uses the timeout', async () => {
    const adminId = await as('admin');
    const s = await makeSession(t().db);
    const r = await saveProjectSettingsAction(
      {},
      form({ project: s.project, heartbeatTimeoutS: '30', sessionBudgetCostUsd: '2.5', sessionBudgetTokens: '', dailyBudgetCostUsd: '', dailyBudgetTokens: '100000' }),
    );
    expect(r).toEqual({ ok: true });
    const [row] = await t().db.select().from(projectSettings).where(eq(projectSettings.project, s.project));
    expect(row).toMatchObject({ heartbeatTimeoutS: 30, sessionBudgetCostUsd: 2.5, sessionBudgetTokens: null, dailyBudgetTokens: 100000 });
    expect(row.updatedBy).toMatch(/^admin-.*@example.com$/);
    const audit = await t().db.select().from(auditLog).where(and(eq(auditLog.action, 'project.settings_update'), eq(auditLog.targetId, s.project)));
    expect(audit.map((a) => [a.actorId, a.outcome])).toEqual([[adminId, 'success']]);

    const [{ lastHeartbeatAt }] = await t().db.select().from(agentSessions).where(eq(agentSessions.id, s.id));
    const r2 = await pauseSilentSessions(t().db, { now: new Date(lastHeartbeatAt.getTime() + 31_000), defaultTimeoutS: 300 });
    expect(r2.paused).toEqual([s.id]);
  });

  it('0, negative and non-numeric values are refused naming the field; nothing is saved', async () => {
    await as('admin');
    const project = `p-${randomUUID().slice(0, 6)}`;
    const r = await saveProjectSettingsAction({}, form({ project, heartbeatTimeoutS: '0', sessionBudgetCostUsd: '-1', dailyBudgetTokens: 'lots' }));
    expect(r.fieldErrors).toMatchObject({
      heartbeatTimeoutS: [expect.stringMatching(/greater than 0/)],
      sessionBudgetCostUsd: [expect.stringMatching(/greater than 0/)],
      dailyBudgetTokens: [expect.stringMatching(/number/)],
    });
    expect(await t().db.select().from(projectSettings).where(eq(projectSettings.project, project))).toEqual([]);
  });

  it('a manager is refused and audited as denied', async () => {
    const id = await as('manager');
    const project = `p-${randomUUID().slice(0, 6)}`;
    const r = await saveProjectSettingsAction({}, form({ project, heartbeatTimeoutS: '10' }));
    expect(r.error).toMatch(/not allowed/);
    expect(await t().db.select().from(projectSettings).where(eq(projectSettings.project, project))).toEqual([]);
    const denied = await t().db.select().from(auditLog).where(and(eq(auditLog.actorId, id), eq(auditLog.outcome, 'denied')));
    expect(denied.map((d) => d.action)).toEqual(['project.settings_update']);
  });
});
