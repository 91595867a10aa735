import { describe, expect, it } from 'vitest';
import { ApiError, createClient, retryAfterMs } from './index';

type Call = { method: string; url: string; headers: Record<string, string>; body: string | null };

/** A fake server: answers with the queued responses in order and records every request. */
function fakeFetch(answers: Array<Response | Error>) {
  const calls: Call[] = [];
  const f: typeof fetch = async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    calls.push({ method: init?.method ?? 'GET', url: String(input), headers, body: (init?.body as string) ?? null });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { f, calls };
}

const ok = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { code: 'x', message: `failed ${status}` } }), { status, headers });

function client(answers: Array<Response | Error>, maxRetries = 3) {
  const { f, calls } = fakeFetch(answers);
  const sleeps: number[] = [];
  const c = createClient({
    baseUrl: 'http://fd.test/',
    token: 'fd_x',
    fetch: f,
    maxRetries,
    baseDelayMs: 100,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { c, calls, sleeps };
}

describe('api client', () => {
  it('retries 503, 429 and network errors with the same Idempotency-Key, honouring Retry-After', async () => {
    const { c, calls, sleeps } = client([fail(503), fail(429, { 'retry-after': '2' }), new TypeError('fetch failed'), ok({ received: 1, inserted: 1, duplicates: 0 })]);
    const r = await c.postEvents({ eventType: 'tool_call', aggregateId: 's1' });
    expect(r.inserted).toBe(1);
    expect(calls).toHaveLength(4);
    const keys = new Set(calls.map((x) => x.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    // The event id is fixed before the first attempt, so every retry carries the same body.
    expect(new Set(calls.map((x) => x.body)).size).toBe(1);
    expect(JSON.parse(calls[0].body!).eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sleeps[1]).toBe(2000);
    expect(calls[0].headers.authorization).toBe('Bearer fd_x');
  });

  it('reports session usage to its session, keyed, and returns the budget answer', async () => {
    const answer = { recorded: true, usage: { inputTokens: 5, outputTokens: 1, costUsd: 0.2 }, budget: { maxCostUsd: 1, maxTokens: null }, paused: null };
    const { c, calls } = client([ok(answer)]);
    const r = await c.reportSessionUsage('s/1', { model: 'gpt-4o', inputTokens: 5, outputTokens: 1, costUsd: 0.2 });
    expect(r.budget.maxCostUsd).toBe(1);
    expect([calls[0].method, calls[0].url]).toEqual(['POST', 'http://fd.test/api/v1/sessions/s%2F1/usage']);
    expect(calls[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives a new key to each logical call', async () => {
    const { c, calls } = client([ok({ status: 'running' }), ok({ status: 'running' })]);
    await c.heartbeat('s1');
    await c.heartbeat('s1');
    expect(calls[0].headers['idempotency-key']).not.toBe(calls[1].headers['idempotency-key']);
  });

  it('stops after maxRetries and throws the last error with its code', async () => {
    const { c, calls } = client([fail(500), fail(502), fail(503)], 2);
    await expect(c.heartbeat('s1')).rejects.toMatchObject({ name: 'ApiError', status: 503 });
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    const { c, calls } = client([fail(422)]);
    const err = await c.finishSession('s1', { status: 'completed' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(calls).toHaveLength(1);
  });

  it('waitForControl long-polls until the decision is not wait', async () => {
    const wait = { decision: { action: 'wait', pausedSessionId: 'p', reason: 'r', pauseType: 'blocker', pausedAt: 'now' } };
    const { c, calls } = client([ok(wait), ok(wait), ok({ decision: { action: 'resume', pausedSessionId: 'p', note: 'go', resolvedBy: 'eve' } })]);
    const d = await c.waitForControl('s1', { pollSeconds: 5 });
    expect(d).toMatchObject({ action: 'resume', note: 'go' });
    expect(calls.map((x) => new URL(x.url).search)).toEqual(['?wait=5', '?wait=5', '?wait=5']);
    expect(calls[0].headers['idempotency-key']).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});
