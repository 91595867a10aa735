import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/log';
import { listAuditLog } from '@/lib/audit/queries';
import { auditLog } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';
import { changeUserRole, countUsers, createFirstAdmin, createUser, setUserActive } from './users';
import { userActor } from './actor';

describeEachDb('users and audit log', (t) => {
  it('creates the first admin once, even when two set-ups race', async () => {
    const results = await Promise.all([
      createFirstAdmin(t().db, { email: 'first@example.com', password: 'first-admin-pass' }),
      createFirstAdmin(t().db, { email: 'second@example.com', password: 'second-admin-pass' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'users_exist' }]);
    expect(await countUsers(t().db)).toBe(1);
  });

  it('changes a role and says when nothing changes or the user is unknown', async () => {
    const e = await createUser(t().db, { email: `e-${randomUUID()}@example.com`, role: 'engineer', password: 'eng-pass-1234' });
    if (!e.ok) throw new Error('user');
    expect(await changeUserRole(t().db, { userId: e.user.id, role: 'qa' })).toMatchObject({ ok: true, previousRole: 'engineer' });
    expect(await changeUserRole(t().db, { userId: e.user.id, role: 'qa' })).toEqual({ ok: false, reason: 'unchanged' });
    expect(await changeUserRole(t().db, { userId: randomUUID(), role: 'qa' })).toEqual({ ok: false, reason: 'not_found' });
    expect(await setUserActive(t().db, { userId: e.user.id, active: true })).toEqual({ ok: false, reason: 'unchanged' });
  });

  it('never leaves the console without an active admin', async () => {
    await createUser(t().db, { email: `a-${randomUUID()}@example.com`, role: 'admin', password: 'admin-pass-123' });
    const admins = await t().db.query.user.findMany({ where: (u, { eq }) => eq(u.role, 'admin') });
    const active = admins.filter((u) => !u.banned);
    for (const u of active.slice(1)) expect((await setUserActive(t().db, { userId: u.id, active: false })).ok).toBe(true);
    const last = active[0];
    expect(await setUserActive(t().db, { userId: last.id, active: false })).toEqual({ ok: false, reason: 'last_admin' });
    expect(await changeUserRole(t().db, { userId: last.id, role: 'viewer' })).toEqual({ ok: false, reason: 'last_admin' });
  });

  it('pages the audit log by keyset without gaps or repeats, and filters by actor, action and target', async () => {
    const tag = randomUUID().slice(0, 8);
    for (let i = 0; i < 7; i++) {
      await recordAudit(t().db, {
        actor: userActor({ id: `u-${tag}`, email: `${tag}@example.com` }),
        action: i % 2 ? `page.odd` : `page.even`,
        targetType: 'thing',
        targetId: `${tag}-${i}`,
        outcome: 'success',
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditLog(t().db, { actor: tag, limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.targetId!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `${tag}-${i}`));
    expect((await listAuditLog(t().db, { actor: tag, action: 'page.odd' })).rows).toHaveLength(3);
    expect((await listAuditLog(t().db, { actor: tag, action: 'page.' })).rows).toHaveLength(7);
    expect((await listAuditLog(t().db, { target: `thing:${tag}-2` })).rows).toHaveLength(1);
    expect((await listAuditLog(t().db, { actor: tag, to: new Date(Date.now() - 3_600_000) })).rows).toHaveLength(0);
  });

  it('an action filter by the new name finds rows written under the old one (interventions:resume)', async () => {
    const tag = randomUUID().slice(0, 8);
    await t().db.insert(auditLog).values({ actorId: `u-${tag}`, actorType: 'user', action: 'interventions:resume', outcome: 'success' });
    await recordAudit(t().db, {
      actor: userActor({ id: `u-${tag}`, email: `${tag}@example.com` }),
      action: 'intervention.resume',
      outcome: 'success',
    });
    await recordAudit(t().db, {
      actor: userActor({ id: `u-${tag}`, email: `${tag}@example.com` }),
      action: 'intervention.abort',
      outcome: 'success',
    });
    expect((await listAuditLog(t().db, { actor: `u-${tag}`, action: 'intervention.resume' })).rows.map((r) => r.action).sort()).toEqual([
      'intervention.resume',
      'interventions:resume',
    ]);
    expect((await listAuditLog(t().db, { actor: `u-${tag}`, action: 'intervention.' })).rows).toHaveLength(3);
  });
});
