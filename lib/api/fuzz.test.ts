import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApiToken } from '@/lib/auth/tokens';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { callApi } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makeCheckpoint, makePausedSession, makeSession } from '@/lib/test/factories';
import { startRecovery } from '@/lib/checkpoints/recovery';
import { engineer } from '@/lib/test/factories';

vi.mock('server-only', () => ({}));

/**
 * A few thousand malformed requests, each built from a VALID body (so the mutation alone makes it bad):
 * unknown keys, missing or wrongly typed fields, huge strings, deep nesting, NUL and lone surrogates, invalid
 * UTF-8, wrong content types, oversized and empty bodies. Every answer must be a 4xx and no table may change.
 */
const BODY_LIMIT = 64 * 1024;
const CASES_PER_ENDPOINT = 300;

const tables = [
  'agent_sessions',
  'execution_events',
  'user_tool_history',
  'session_checkpoints',
  'paused_sessions',
  'checkpoint_recoveries',
  'intervention_actions',
  'idempotency_keys',
];

function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describeEachDb('agent API fuzz', (t) => {
  let token = '';
  beforeAll(async () => {
    process.env.API_MAX_BODY_BYTES = String(BODY_LIMIT);
    process.env.API_MAX_CHECKPOINT_BYTES = String(BODY_LIMIT);
    resetEnvCache();
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'agent', scopes: ['ingest', 'control', 'read'] })).token;
  });
  afterAll(() => {
    setDbHandleForTests(undefined);
    delete process.env.API_MAX_BODY_BYTES;
    delete process.env.API_MAX_CHECKPOINT_BYTES;
    resetEnvCache();
  });

  async function counts() {
    const out: Record<string, number> = {};
    for (const table of tables) {
      out[table] = (await queryRows<{ n: number }>(t().db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0].n;
    }
    return out;
  }

  it('answers thousands of malformed bodies with 4xx only and changes no table', async () => {
    const db = t().db;
    const running = await makeSession(db);
    const { session: paused } = await makePausedSession(db);
    await makeCheckpoint(db, paused.id, 1);
    const rec = await startRecovery(db, { sessionId: paused.id }, engineer());
    if (!rec.ok) throw new Error(rec.reason);
    const executionId = randomUUID();
    await callApi('POST', '/api/v1/tool-executions', { token, body: { executionId, userId: 'u', toolName: 'x', success: true } });
    // Valid bodies: each would succeed (and write) if sent unmodified.
    const endpoints: Array<{ method: string; path: string; valid: Record<string, unknown>; required: string[] }> = [
      { method: 'POST', path: '/api/v1/sessions', valid: { project: 'fuzz', agent: 'a', externalId: 'e', metadata: { k: 'v' } }, required: ['project', 'agent'] },
      { method: 'POST', path: `/api/v1/sessions/${running.id}/heartbeat`, valid: { currentTask: 't' }, required: [] },
      { method: 'POST', path: `/api/v1/sessions/${running.id}/finish`, valid: { status: 'completed' }, required: ['status'] },
      {
        method: 'POST',
        path: `/api/v1/sessions/${running.id}/checkpoints`,
        valid: { checkpointType: 'manual', conversationHistory: [{ role: 'user', content: 'c' }], completedTasks: ['a'], metricsSnapshot: { n: 1 } },
        required: ['checkpointType', 'conversationHistory'],
      },
      { method: 'POST', path: `/api/v1/sessions/${running.id}/pause`, valid: { reason: 'r', pauseType: 'blocker', context: { a: 1 } }, required: ['reason', 'pauseType'] },
      { method: 'POST', path: `/api/v1/recoveries/${rec.recovery.id}/complete`, valid: { status: 'succeeded' }, required: ['status'] },
      {
        method: 'POST',
        path: '/api/v1/events',
        valid: { eventId: randomUUID(), eventType: 'tool_call', aggregateId: 'a', metadata: { x: 'y' } },
        required: ['eventType', 'aggregateId'],
      },
      {
        method: 'POST',
        path: '/api/v1/tool-executions',
        valid: { userId: 'u', toolName: 'x', success: true, executionTimeMs: 5, context: { a: 'b' } },
        required: ['userId', 'toolName', 'success'],
      },
      { method: 'PATCH', path: `/api/v1/tool-executions/${executionId}`, valid: { userSatisfaction: 3 }, required: ['userSatisfaction'] },
    ];
    const before = await counts();
    const rnd = prng(42);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const wrongValues = [42, -1, 1.5, true, null, [], [1, 2], { a: 1 }, 'x'.repeat(20_000), '', 1e308];
    const deep = (n: number): unknown => (n === 0 ? 'leaf' : { d: deep(n - 1) });
    const jsonCases: Array<(v: Record<string, unknown>, required: string[]) => unknown> = [
      (v) => ({ ...v, unexpected: pick(wrongValues) }),
      (v, req) => {
        const drop = req.length ? pick(req) : null;
        return drop ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== drop)) : { ...v, extra: 1 };
      },
      (v) => {
        const k = pick(Object.keys(v));
        return { ...v, [k]: typeof v[k] === 'string' ? pick([42, true, [], { a: 1 }, 'x'.repeat(20_000)]) : pick(['str', 42, true, 'x'.repeat(20_000)]) };
      },
      (v) => ({ ...v, [pick(Object.keys(v))]: `bad\u0000nul` }),
      (v) => ({ ...v, [pick(Object.keys(v))]: `lone\ud800surrogate` }),
      (v) => ({ ...v, metadata: deep(40), context: deep(40), metricsSnapshot: deep(40) }),
      () => pick([null, 42, 'string', true, [], [null]]),
      () => Array.from({ length: 1001 }, () => ({ eventType: 'x', aggregateId: 'a' })),
      (v) => [{ ...v, unexpected: 1 }],
      (v) => ({ ...v, __proto__: { polluted: true }, constructor: { prototype: 1 } }),
    ];
    const rawCases: Array<(v: Record<string, unknown>) => { raw: BodyInit; headers?: Record<string, string> }> = [
      (v) => ({ raw: JSON.stringify(v).slice(0, -1) }),
      (v) => ({ raw: JSON.stringify(v), headers: { 'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '']) } }),
      () => ({ raw: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]) }),
      () => ({ raw: '' }),
      () => ({ raw: '[' .repeat(100_000) }),
      () => ({ raw: JSON.stringify({ pad: 'y'.repeat(BODY_LIMIT + 10) }) }),
      () => ({ raw: '{"a":1}{"b":2}' }),
      () => ({ raw: "{'single': 'quotes'}" }),
      () => ({ raw: '\ufeff{"bom": true}' }),
    ];
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const ep of endpoints) {
      for (let i = 0; i < CASES_PER_ENDPOINT; i++) {
        const useRaw = rnd() < 0.35;
        const headers: Record<string, string> = {};
        let res;
        let sentBody: unknown;
        if (useRaw) {
          const c = pick(rawCases)(ep.valid);
          sentBody = c;
          res = await callApi(ep.method, ep.path, { token, raw: c.raw, headers: { ...headers, ...(c.headers ?? {}) } });
        } else {
          const body = pick(jsonCases)(ep.valid, ep.required);
          sentBody = body;
          res = await callApi(ep.method, ep.path, { token, raw: JSON.stringify(body) ?? 'undefined', headers });
        }
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status >= 500) {
          throw new Error(`${ep.method} ${ep.path} answered ${res.status} to ${JSON.stringify(sentBody).slice(0, 300)}`);
        }
        expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
    expect(sent).toBe(endpoints.length * CASES_PER_ENDPOINT);
    expect([...statuses.keys()].sort()).toEqual([400, 413, 422]);
    expect(await counts()).toEqual(before);
  }, 300_000);
});
