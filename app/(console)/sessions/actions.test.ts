import { actionState } from '@/lib/test/action-mocks';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { auditLog, sessionCheckpoints } from '@/lib/db/schema';
import { describeEachDb } from '@/lib/test/db';
import { makeCheckpoint, makeSession } from '@/lib/test/factories';

/** The Invalidate server action as an engineer: the audit row names the checkpoint's own session. */
const state = actionState;

const { createUser } = await import('@/lib/auth/users');
const { invalidateCheckpoint } = await import('./actions');

describeEachDb('sessions actions: invalidate', (t) => {
  beforeAll(async () => {
    state.db = t().db;
    const u = await createUser(t().db, { email: 'eng@example.com', role: 'engineer', password: 'eng-password-12' });
    if (!u.ok) throw new Error('engineer');
    state.session = { user: { id: u.user.id, email: 'eng@example.com', name: 'Eng', role: 'engineer' }, session: {} };
  });

  const form = (fields: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    return fd;
  };
  const auditOf = (checkpointId: string) =>
    t().db.select().from(auditLog).where(and(eq(auditLog.action, 'checkpoint.invalidate'), eq(auditLog.targetId, checkpointId)));

  it('refuses a checkpoint named with another session; the audit row names its real session and nothing changes', async () => {
    const owner = await makeSession(t().db);
    const other = await makeSession(t().db);
    const cp = await makeCheckpoint(t().db, owner.id, 1);

    const r = await invalidateCheckpoint({}, form({ sessionId: other.id, checkpointId: cp.id, reason: 'bad tool output' }));
    expect(r.error).toMatch(/belongs to another session/);
    const [row] = await t().db.select().from(sessionCheckpoints).where(eq(sessionCheckpoints.id, cp.id));
    expect(row.isValid).toBe(true);
    const audit = await auditOf(cp.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'failure' });
    expect(audit[0].details).toMatchObject({ session_id: owner.id, claimed_session_id: other.id, refused: 'checkpoint_other_session' });
  });

  it('invalidates through the checkpoint’s own session and audits that session', async () => {
    const owner = await makeSession(t().db);
    const cp = await makeCheckpoint(t().db, owner.id, 1);
    expect(await invalidateCheckpoint({}, form({ sessionId: owner.id, checkpointId: cp.id, reason: 'bad tool output' }))).toEqual({
      ok: true,
      data: { invalidated: 1 },
    });
    const [audit] = await auditOf(cp.id);
    expect(audit).toMatchObject({ outcome: 'success' });
    expect(audit.details).toMatchObject({ session_id: owner.id, invalidated: 1 });
  });
});
