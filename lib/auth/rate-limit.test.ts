import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/api-client';
import { createApiToken } from '@/lib/auth/tokens';
import { setDbHandleForTests } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { BASE, callApi, routeFetch } from '@/lib/test/api';
import { describeEachDb } from '@/lib/test/db';
import { makeSession } from '@/lib/test/factories';
import { checkTokenRateLimit, noteActiveSessions, resetTokenRateLimits } from './rate-limit';

vi.mock('server-only', () => ({}));

const setLimits = (perToken: number, perSession: number) => {
  process.env.API_RATE_LIMIT_PER_MINUTE = String(perToken);
  process.env.API_RATE_LIMIT_PER_SESSION_PER_MINUTE = String(perSession);
  resetEnvCache();
  resetTokenRateLimits();
};
const clearLimits = () => {
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
  delete process.env.API_RATE_LIMIT_PER_SESSION_PER_MINUTE;
  resetEnvCache();
  resetTokenRateLimits();
};

/** The budget arithmetic at fleet size, on a simulated clock (the HTTP tests below cover what callers see). */
describe('token budget that scales with the fleet', () => {
  afterEach(clearLimits);

  it('5,000 well-behaved agents on one token (heartbeat + control every 10 s, defaults) are never refused', () => {
    clearLimits();
    const sessions = Array.from({ length: 5000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    let refused = 0;
    const t0 = 1_000_000;
    // Five minutes; each agent starts at a random point of its first 10 s and keeps a 10 s period.
    const offsets = sessions.map((_, i) => (i * 7919) % 10_000);
    for (let tick = 0; tick < 30; tick++) {
      const order = sessions.map((id, i) => ({ id, at: t0 + tick * 10_000 + offsets[i] })).sort((a, b) => a.at - b.at);
      for (const { id, at } of order) {
        for (let k = 0; k < 2; k++) {
          if (!checkTokenRateLimit('fleet', at, id).ok) refused++;
          else noteActiveSessions('fleet', [id], at);
        }
      }
    }
    expect(refused).toBe(0);
  });

  it('a single agent looping on its session is held to the per-session budget, and the fleet budget is capped', () => {
    setLimits(6000, 120);
    const id = '00000000-0000-4000-8000-000000000001';
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) {
      if (checkTokenRateLimit('loop', 5_000_000, id).ok) {
        admitted++;
        noteActiveSessions('loop', [id], 5_000_000);
      }
    }
    // The first request (session not yet known), then the session's minute of 120.
    expect(admitted).toBe(121);
    // A loop without a session in the path meets the token's own budget: base + one active session.
    let others = 0;
    for (let i = 0; i < 10_000; i++) if (checkTokenRateLimit('loop', 5_000_000).ok) others++;
    expect(others).toBe(6000 + 120 - 121);
  });
});

describeEachDb('rate limits through the agent API', (t) => {
  let token = '';
  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'fleet', scopes: ['ingest', 'control'] })).token;
  });
  afterEach(clearLimits);
  afterAll(() => setDbHandleForTests(undefined));

  it('a fleet of 40 sessions sharing a token of 20 requests a minute heart-beats and checks control without a 429', async () => {
    setLimits(20, 12);
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push((await makeSession(t().db)).id);
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const id of ids) {
        statuses.push((await callApi('POST', `/api/v1/sessions/${id}/heartbeat`, { token, body: {} })).status);
        statuses.push((await callApi('GET', `/api/v1/sessions/${id}/control`, { token })).status);
      }
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(160);
  });

  it('an agent looping on its session is throttled: 429 with Retry-After, its long-poll too, and other sessions still pass', async () => {
    setLimits(20, 12);
    const mine = (await makeSession(t().db)).id;
    const other = (await makeSession(t().db)).id;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await callApi('POST', `/api/v1/sessions/${mine}/heartbeat`, { token, body: {} })).status);
    expect(statuses.slice(0, 13)).toEqual(Array(13).fill(200));
    expect(statuses.slice(13)).toEqual(Array(17).fill(429));
    const started = Date.now();
    const poll = await callApi('GET', `/api/v1/sessions/${mine}/control?wait=20`, { token });
    expect(Date.now() - started).toBeLessThan(5_000); // refused at once, not held
    expect(poll.status).toBe(429);
    expect(Number(poll.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(poll.json).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await callApi('POST', `/api/v1/sessions/${other}/heartbeat`, { token, body: {} })).status).toBe(200);
  });

  it('the typed client waits the Retry-After of a refused long-poll before asking again', async () => {
    setLimits(20, 2);
    const id = (await makeSession(t().db)).id;
    for (let i = 0; i < 3; i++) await callApi('GET', `/api/v1/sessions/${id}/control`, { token });
    const sleeps: number[] = [];
    const c = createClient({
      baseUrl: BASE,
      token,
      fetch: routeFetch,
      sleep: async (ms) => {
        sleeps.push(ms);
        resetTokenRateLimits(); // the wait "passes"
      },
    });
    expect(await c.getControl(id)).toMatchObject({ action: 'continue' });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[0]).toBeLessThanOrEqual(60_000);
  });
});
