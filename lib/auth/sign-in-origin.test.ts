import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { auditLog } from '@/lib/db/schema';
import { withClientAddress } from '@/lib/http/request-meta';
import { serveFetch } from '@/lib/http/test-server';
import { describeEachDb } from '@/lib/test/db';
import { createAuth, type Auth } from './auth';
import { createUser } from './users';

// Better Auth skips its origin check when NODE_ENV is 'test' at the moment it loads: run this file as production.
vi.hoisted(() => {
  (process.env as Record<string, string>).NODE_ENV = 'production';
  delete process.env.TEST; // set by Vitest; Better Auth reads it as "test mode" too
  process.env.BETTER_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';
  process.env.APP_URL = 'http://localhost:3000';
});

let server: Awaited<ReturnType<typeof serveFetch>>;
let auth: Auth;
beforeAll(async () => {
  server = await serveFetch((request) => auth.handler(withClientAddress(request)));
});
afterAll(() => server.close());

describeEachDb('sign-in from a refused origin', (t) => {
  beforeAll(() => {
    auth = createAuth(t().db);
  });

  it('is refused (403) and recorded as denied, not as a failure: the owner signs in right after', async () => {
    const email = `origin-${randomUUID().slice(0, 8)}@example.com`;
    await createUser(t().db, { email, role: 'engineer', password: 'right-password-1' });
    const signIn = (origin: string, password: string) =>
      fetch(`${server.url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email, password }),
      });
    for (let i = 0; i < 6; i++) expect((await signIn('http://evil.example', 'wrong-password-1')).status).toBe(403);
    expect((await signIn('http://localhost:3000', 'right-password-1')).status).toBe(200);
    const rows = await t()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.sign_in'), eq(auditLog.targetId, email)))
      .orderBy(auditLog.id);
    expect(rows.map((r) => r.outcome)).toEqual([...Array(6).fill('denied'), 'success']);
  });
});
