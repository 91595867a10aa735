import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it, vi } from 'vitest';
import { auditLog, escalationPolicies, user } from '@/lib/db/schema';
import type { Role } from '@/lib/db/schema/enums';
import { describeEachDb } from '@/lib/test/db';

/** Settings → Escalation actions: only admins, every bad field named, nothing half-written, each save audited. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { savePolicyAction, setOnCallAction } = await import('./actions');
type Save = (prev: unknown, input: Record<string, unknown>) => Promise<{ ok?: boolean; error?: string; fieldErrors?: Record<string, string[]> }>;
const save = savePolicyAction as unknown as Save;

describeEachDb('escalation settings actions', (t) => {
  const ids: Partial<Record<Role, string>> = {};
  beforeAll(async () => {
    state.db = t().db;
    for (const role of ['admin', 'engineer'] as const) {
      ids[role] = randomUUID();
      await t().db.insert(user).values({ id: ids[role], name: role, email: `${role}-esc@example.com`, role });
    }
  });
  const actAs = (role: Role) => {
    state.session = { user: { id: ids[role], email: `${role}-esc@example.com`, name: role, role }, session: {} };
  };
  const named = (name: string) => t().db.select().from(escalationPolicies).where(eq(escalationPolicies.name, name));

  it('an engineer is refused and audited; nothing is written', async () => {
    actAs('engineer');
    const name = `nope-${randomUUID().slice(0, 6)}`;
    const r = await save({}, { name, steps: [{ kind: 'notify', afterMinutes: 5, role: 'engineer' }] });
    expect(r).toEqual({ error: 'Your role (engineer) is not allowed to do this.' });
    expect(await named(name)).toEqual([]);
    const denied = await t().db.select().from(auditLog).where(and(eq(auditLog.actorId, ids.engineer!), eq(auditLog.action, 'escalation.policy_save')));
    expect(denied.map((a) => a.outcome)).toEqual(['denied']);
    const onCall = await (setOnCallAction as unknown as Save)({}, { role: 'engineer', userId: ids.engineer!, onCall: true });
    expect(onCall.error).toMatch(/not allowed/);
  });

  it('bad input: each field is named, nothing is written', async () => {
    actAs('admin');
    const name = `bad-${randomUUID().slice(0, 6)}`;
    const r = await save({}, {
      name,
      steps: [
        { kind: 'notify', afterMinutes: '-5', role: 'engineer' },
        { kind: 'notify', afterMinutes: 'soon' },
        { kind: 'reassign', afterMinutes: 10 },
      ],
      defaultAction: 'abort',
      defaultAfterMinutes: '',
    });
    expect(r.error).toBe('Please correct the highlighted fields.');
    expect(r.fieldErrors).toMatchObject({
      'steps.0.afterMinutes': ['must be 0 or more minutes'],
      'steps.1.afterMinutes': ['must be a whole number of minutes'],
    });
    const second = await save({}, { name, steps: [{ kind: 'notify', afterMinutes: 5 }, { kind: 'reassign', afterMinutes: 1 }], defaultAction: 'abort' });
    expect(second.fieldErrors).toEqual({
      'steps.0.users': ['choose who to notify: people, a role or a channel'],
      'steps.1.afterMinutes': ['must not be earlier than step 1 (5 min)'],
      'steps.1.toUser': ['choose either a person or the on-call person of a role'],
      defaultAfterMinutes: ['is required with a default action'],
    });
    expect((await save({}, { name: '  ' })).fieldErrors?.name).toEqual(['is required']);
    expect(await named(name)).toEqual([]);
  });

  it('unknown people and channels are refused by field; a good policy is saved, changed and audited', async () => {
    actAs('admin');
    const name = `night-${randomUUID().slice(0, 6)}`;
    const bad = await save({}, {
      name,
      steps: [{ kind: 'notify', afterMinutes: 5, users: 'ghost@example.com', channelId: randomUUID() }],
    });
    expect(bad.fieldErrors).toEqual({ 'steps.0.users': ['no active user ghost@example.com'], 'steps.0.channelId': ['that channel no longer exists'] });
    expect(await named(name)).toEqual([]);

    const ok = await save({}, {
      name,
      projects: 'alpha, beta',
      pauseTypes: ['blocker'],
      steps: [{ kind: 'notify', afterMinutes: 5, users: 'engineer-esc@example.com' }],
      defaultAction: 'restore',
      defaultAfterMinutes: 60,
    });
    expect(ok).toEqual({ ok: true });
    const [p] = await named(name);
    expect(p).toMatchObject({ projects: ['alpha', 'beta'], pauseTypes: ['blocker'], updatedBy: 'admin-esc@example.com' });
    expect(p.steps).toEqual([
      { kind: 'notify', afterSeconds: 300, users: ['engineer-esc@example.com'], role: null, channelId: null },
      { kind: 'restore', afterSeconds: 3600 },
    ]);
    const changed = await save({}, { id: p.id, name, steps: [{ kind: 'reassign', afterMinutes: 15, onCallRole: 'engineer' }] });
    expect(changed).toEqual({ ok: true });
    const [after] = await named(name);
    expect(after.steps).toEqual([{ kind: 'reassign', afterSeconds: 900, toUser: null, onCallRole: 'engineer' }]);
    const audits = await t().db.select().from(auditLog).where(eq(auditLog.targetId, p.id));
    expect(audits.map((a) => [a.action, a.outcome])).toEqual([
      ['escalation.policy_create', 'success'],
      ['escalation.policy_update', 'success'],
    ]);
    const dup = await save({}, { name, steps: [{ kind: 'notify', afterMinutes: 1, role: 'qa' }] });
    expect(dup.fieldErrors).toEqual({ name: ['another policy already has this name'] });
  });
});
