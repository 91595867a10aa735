import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { resetEnvCache } from '@/lib/env';
import { describeEachDb } from '@/lib/test/db';

/** The server log: JSON lines; each line written during a request carries its requestId and actor. */
const state = vi.hoisted(() => ({
  db: undefined as unknown,
  headers: new Headers(),
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
}));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => state.headers }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => state.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { log, setLogDestination } = await import('./log');
const { guardedAction, guardedRoute } = await import('@/lib/auth/guards');
const { createApiToken } = await import('@/lib/auth/tokens');

const lines: Record<string, unknown>[] = [];

beforeAll(() => {
  process.env.LOG_LEVEL = 'info';
  resetEnvCache();
  setLogDestination({ write: (s: string) => void lines.push(JSON.parse(s)) });
});

afterAll(() => {
  process.env.LOG_LEVEL = 'silent';
  resetEnvCache();
  setLogDestination(undefined);
});

const linesWith = (msg: string) => lines.filter((l) => l.msg === msg);

describeEachDb('request log context', (t) => {
  beforeAll(() => {
    state.db = t().db;
  });

  it('a line logged in a route handler carries the request id and the token actor; a failure line too', async () => {
    const name = `log-${randomUUID()}`;
    const { token } = await createApiToken(t().db, { name, scopes: ['read'] });
    const route = guardedRoute({ scopes: ['read'] }, async () => {
      log().info('handling');
      throw new TypeError('boom');
    });
    const res = await route(
      new Request('http://localhost:3000/api/v1/x', { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-42' } }),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(500);
    expect(linesWith('handling').at(-1)).toMatchObject({ level: 30, requestId: 'req-42', actor: `agent:${name}` });
    expect(linesWith('route handler failed').at(-1)).toMatchObject({
      level: 50,
      requestId: 'req-42',
      actor: `agent:${name}`,
      err: { type: 'TypeError', message: 'boom' },
    });
  });

  it('without an X-Request-Id each request gets its own id; a server action names the signed-in user', async () => {
    state.session = { user: { id: 'u1', email: 'op@example.com', name: 'Op', role: 'operator' }, session: {} };
    const action = guardedAction('console:read', z.object({}), async () => {
      log().info('acting');
      return { ok: true };
    });
    expect(await action({})).toEqual({ ok: true });
    expect(await action({})).toEqual({ ok: true });
    const [a, b] = linesWith('acting').slice(-2);
    expect(a).toMatchObject({ actor: 'op@example.com', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(b.requestId).not.toBe(a.requestId);
  });

  it('a line outside any request carries neither', () => {
    log().info('idle');
    const line = linesWith('idle').at(-1);
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('requestId');
    expect(line).not.toHaveProperty('actor');
  });
});
