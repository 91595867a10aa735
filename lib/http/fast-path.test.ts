import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentFastRoutes } from '@/app/api/v1/fast-routes';
import { createApiToken } from '@/lib/auth/tokens';
import { resumeSession } from '@/lib/interventions/commands';
import { setDbHandleForTests } from '@/lib/db/client';
import { agentSessions } from '@/lib/db/schema';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { engineer, makePausedSession } from '@/lib/test/factories';
import { dispatch, installFastPath, wrapServer, type FastRoute } from './fast-path';
import { apiSecurityHeaders } from './security-headers';

vi.mock('server-only', () => ({}));

/** A server whose own listener stands for Next.js: it answers 299 "next" and records what it saw. */
async function serverWithNext(install: (server: Server) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.statusCode = 299;
    res.end('next');
  });
  install(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('fast path dispatch', () => {
  const got: Array<{ url: string; method: string; body: string; params: Record<string, string>; auth: string | null }> = [];
  let abortedWhileWaiting = false;
  const routes: FastRoute[] = [
    {
      method: 'POST',
      path: /^\/api\/v1\/things\/(?<id>[^/]+)\/poke$/,
      maxBytes: () => 10,
      handler: async (request, context) => {
        const body = await request.text();
        got.push({ url: request.url, method: request.method, body, params: await context.params, auth: request.headers.get('authorization') });
        if (body.length > 10) return Response.json({ error: { code: 'payload_too_large' } }, { status: 413 });
        return Response.json({ ok: true }, { status: 201, headers: { 'x-answer': 'yes', 'cache-control': 'no-store' } });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/big$/,
      handler: async (request) =>
        new Response('x'.repeat(5000), {
          headers: { 'content-type': 'text/plain', 'cache-control': new URL(request.url).searchParams.has('small') ? 'no-store, no-transform' : 'no-store' },
        }),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/wait$/,
      handler: (request) =>
        new Promise<Response>((resolve) => {
          const timer = setTimeout(() => resolve(new Response('late')), 10_000);
          request.signal.addEventListener('abort', () => {
            abortedWhileWaiting = true;
            clearTimeout(timer);
            resolve(new Response('aborted'));
          });
        }),
    },
  ];
  let s: Awaited<ReturnType<typeof serverWithNext>>;
  beforeAll(async () => {
    s = await serverWithNext((server) => wrapServer(server, (req, res) => dispatch(routes, req, res)));
  });
  afterAll(() => s.close());

  it('hands an exact match to its handler as a standard Request, decoded params, with the API security headers', async () => {
    const res = await fetch(`${s.url}/api/v1/things/a%20b/poke?x=1`, { method: 'POST', body: '{"n":1}', headers: { authorization: 'Bearer t', 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(res.headers.get('server-timing')).toBe('fast');
    for (const h of apiSecurityHeaders) expect(res.headers.get(h.key)).toBe(h.value);
    expect(got.at(-1)).toEqual({ url: `${s.url}/api/v1/things/a%20b/poke?x=1`, method: 'POST', body: '{"n":1}', params: { id: 'a b' }, auth: 'Bearer t' });
    expect(s.seen).toEqual([]);
  });

  it('leaves everything else to the next listener: other methods, paths, trailing slashes, bad escapes', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/things/1/poke'],
      ['POST', '/api/v1/things/1/poke/'],
      ['POST', '/api/v1/things/1/2/poke'],
      ['POST', '/api/v1/things/%E0%A4%A/poke'],
      ['GET', '/overview'],
    ]) {
      const res = await fetch(`${s.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
      expect([path, res.status, await res.text()]).toEqual([path, 299, 'next']);
    }
    expect(s.seen).toHaveLength(5);
  });

  it('reads one byte past the handler limit, no more, and closes the connection after the answer', async () => {
    const res = await fetch(`${s.url}/api/v1/things/1/poke`, { method: 'POST', body: 'y'.repeat(100_000) });
    expect(res.status).toBe(413);
    expect(got.at(-1)!.body).toBe('y'.repeat(11));
    expect(res.headers.get('connection')).toBe('close');
  });

  it('gzips a large answer for a client that takes gzip, unless the handler said no-transform', async () => {
    const get = (path: string) =>
      new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
        httpRequest(`${s.url}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const big = await get('/api/v1/big');
    expect(big.encoding).toBe('gzip');
    expect(gunzipSync(big.body).toString()).toBe('x'.repeat(5000));
    const small = await get('/api/v1/big?small');
    expect(small.encoding).toBeUndefined();
    expect(small.body.toString()).toBe('x'.repeat(5000));
  });

  it('aborts the handler’s request.signal when the client goes away (a long-poll given up)', async () => {
    const ac = new AbortController();
    const pending = fetch(`${s.url}/api/v1/wait`, { signal: ac.signal }).catch(() => null);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await pending;
    await vi.waitFor(() => expect(abortedWhileWaiting).toBe(true), { timeout: 2000 });
  });
});

/**
 * The real agent routes on the fast path, installed the way instrumentation.ts does (diagnostics channel, first
 * request): every answer is the one the route handler gives when Next.js calls it (lib/test/api.ts callApi).
 */
describeEachDb('agent API on the fast path', (t) => {
  let token = '';
  let readOnly = '';
  let s: Awaited<ReturnType<typeof serverWithNext>>;
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'fast-agent', scopes: ['ingest', 'control'] })).token;
    readOnly = (await createApiToken(t().db, { name: 'fast-reader', scopes: ['read'] })).token;
    installFastPath(agentFastRoutes);
    s = await serverWithNext(() => {});
  });
  afterAll(async () => {
    await s.close();
    setDbHandleForTests(undefined);
  });

  const session = async () =>
    (await t().db.insert(agentSessions).values({ project: 'p-fast', agentName: 'coder', externalId: randomUUID() }).returning({ id: agentSessions.id }))[0].id;
  const over = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.body) headers.set('content-type', 'application/json');
    return fetch(`${s.url}${path}`, { ...init, headers });
  };

  it('answers heartbeat, control, batch heartbeat, tool executions and events exactly as the handlers do through Next.js', async () => {
    const id = await session();
    // Each side gets its own client ids (the same ids twice would be a replay).
    const cases: Array<[string, string, () => unknown]> = [
      ['POST', `/api/v1/sessions/${id}/heartbeat`, () => ({ currentTask: 'fast' })],
      ['GET', `/api/v1/sessions/${id}/control`, () => undefined],
      ['POST', '/api/v1/heartbeats', () => ({ sessions: [{ id }] })],
      ['POST', '/api/v1/tool-executions', () => ({ executionId: randomUUID(), sessionId: id, userId: 'u1', toolName: 'grep', success: true })],
      ['POST', '/api/v1/events', () => [{ eventId: randomUUID(), eventType: 'tool_call', aggregateId: id, metadata: { n: 1 } }]],
      ['POST', `/api/v1/sessions/${id}/heartbeat`, () => ({ currentTask: 7 })],
      ['POST', `/api/v1/sessions/${randomUUID()}/heartbeat`, () => ({})],
    ];
    for (const [method, path, bodyOf] of cases) {
      const body = bodyOf();
      const viaFast = await over(path, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
      const fastJson = await viaFast.json();
      const viaNext = await callApi(method, path, { token, body: bodyOf() });
      const strip = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"[0-9a-f-]{36}"/g, '"<id>"').replace(/"\d{4}-\d\d-\d\dT[^"]+"/g, '"<time>"'));
      expect([path, viaFast.status, strip(fastJson)]).toEqual([path, viaNext.status, strip(viaNext.json)]);
      expect(viaFast.headers.get('server-timing')).toMatch(/^app;dur=[\d.]+, fast$/);
      expect(viaFast.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(s.seen).toEqual([]);
    // The first heartbeat really moved the session's task.
    const [row] = await t().db.select({ task: agentSessions.currentTask }).from(agentSessions).where((await import('drizzle-orm')).eq(agentSessions.id, id));
    expect(row.task).toBe('fast');
  });

  it('refuses without a token (401), with the wrong scope (403), a bad field (422 naming it), a body over the limit (413)', async () => {
    const id = await session();
    const path = `/api/v1/sessions/${id}/heartbeat`;
    expect((await over(path, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await over(path, { method: 'POST', token: readOnly, body: '{}' })).status).toBe(403);
    const bad = await over(path, { method: 'POST', token, body: JSON.stringify({ currentTask: 7 }) });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('currentTask');
    const huge = await over('/api/v1/events', { method: 'POST', token, body: JSON.stringify([{ eventType: 'tool_call', aggregateId: id, metadata: { s: 'z'.repeat(2_000_000) } }]) });
    expect(huge.status).toBe(413);
    expect(s.seen).toEqual([]);
  });

  it('a paused agent’s long-poll hears the decision through the fast path', async () => {
    const { session: paused, pause } = await makePausedSession(t().db);
    const started = Date.now();
    const poll = over(`/api/v1/sessions/${paused.id}/control?wait=10`, { token });
    await new Promise((r) => setTimeout(r, 300));
    expect((await resumeSession(t().db, { pausedSessionId: pause.id, note: 'go on' }, engineer('ann'))).ok).toBe(true);
    const res = await poll;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { decision: { action: string } }).decision.action).toBe('resume');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
