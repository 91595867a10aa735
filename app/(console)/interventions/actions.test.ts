import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it, vi } from 'vitest';
import { auditLog, pausedSessions } from '@/lib/db/schema';
import { getControlDecision } from '@/lib/sessions/control';
import { describeEachDb } from '@/lib/test/db';
import { makePausedSession } from '@/lib/test/factories';
import { installPeerAddressStamp } from '@/lib/http/request-meta';

// As instrumentation.ts does in the server: the peer header below is then the server's own stamp.
installPeerAddressStamp();

/** Resume as the button sends it: action → guard (the one permission check) → command → SQL, audited in its transaction. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
// The peer address as the server stamps it (lib/http/request-meta.ts); a client's own X-Forwarded-For is not believed.
vi.mock('next/headers', () => ({
  headers: async () =>
    new Headers({ 'x-flightdeck-peer': '203.0.113.9', 'x-forwarded-for': '198.51.100.66', 'user-agent': 'test-browser' }),
}));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { createUser } = await import('@/lib/auth/users');
const { resumeAction } = await import('./actions');

describeEachDb('interventions actions: resume', (t) => {
  const people: Record<string, { user: Record<string, unknown>; session: Record<string, unknown> }> = {};
  beforeAll(async () => {
    state.db = t().db;
    for (const role of ['engineer', 'viewer'] as const) {
      const email = `${role}@example.com`;
      const u = await createUser(t().db, { email, name: `A ${role}`, role, password: `${role}-password-12` });
      if (!u.ok) throw new Error(role);
      people[role] = { user: { id: u.user.id, email, name: `A ${role}`, role }, session: {} };
    }
  });
  const auditOf = (pausedSessionId: string) =>
    t().db.select().from(auditLog).where(eq(auditLog.targetId, pausedSessionId));

  it('an engineer resumes: the pause closes, the audit row names them, the agent is told to resume', async () => {
    const { session, pause } = await makePausedSession(t().db);
    state.session = people.engineer;
    expect(await resumeAction({ pausedSessionId: pause.id, note: 'use the mirror' })).toEqual({ ok: true });
    const [row] = await auditOf(pause.id);
    expect(row).toMatchObject({
      action: 'intervention.resume',
      outcome: 'success',
      actorType: 'user',
      actorLabel: 'engineer@example.com',
      ip: '203.0.113.9',
      userAgent: 'test-browser',
    });
    expect(row.details).toMatchObject({ sessionId: session.id, note: 'use the mirror', via: 'browser', role: 'engineer' });
    expect(await getControlDecision(t().db, { sessionId: session.id })).toMatchObject({
      decision: { action: 'resume', note: 'use the mirror', resolvedBy: 'engineer@example.com' },
    });
  });

  it('a viewer is refused at the guard: audited as denied, the pause stays open', async () => {
    const { pause } = await makePausedSession(t().db);
    state.session = people.viewer;
    expect(await resumeAction({ pausedSessionId: pause.id })).toEqual({ error: 'Your role (viewer) is not allowed to do this.' });
    const [open] = await t().db.select().from(pausedSessions).where(eq(pausedSessions.id, pause.id));
    expect(open.resolved).toBe(false);
    const denied = await t().db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'intervention.resume'), eq(auditLog.outcome, 'denied'), eq(auditLog.actorLabel, 'viewer@example.com')));
    expect(denied).toHaveLength(1);
  });

  it('the second of two resumes is told who resumed first', async () => {
    const { pause } = await makePausedSession(t().db);
    state.session = people.engineer;
    expect(await resumeAction({ pausedSessionId: pause.id })).toEqual({ ok: true });
    expect(await resumeAction({ pausedSessionId: pause.id })).toEqual({ error: 'This pause was already resumed by engineer@example.com.' });
  });
});
