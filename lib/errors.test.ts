import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEachDb } from '@/lib/test/db';

/** lib/errors.ts: each code's HTTP status, and a database error's SQLSTATE → classification → answer. */
const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => null } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => state.db };
});

const { AppError, statusOf, toAppError } = await import('./errors');
const { apiRoute, json } = await import('@/lib/api/handler');
const { createApiToken } = await import('@/lib/auth/tokens');

// As Drizzle throws them: a wrapper without a code, the driver's error as its cause.
const driverError = (code: string) =>
  Object.assign(new Error('Failed query: …'), { cause: Object.assign(new Error(code), { code, name: 'PostgresError' }) });

describe('AppError codes', () => {
  it('map to their HTTP status', () => {
    const expected = {
      bad_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      unprocessable: 422,
      rate_limited: 429,
      internal: 500,
      unavailable: 503,
      timeout: 504,
    } as const;
    for (const [code, status] of Object.entries(expected) as [keyof typeof expected, number][]) {
      expect(statusOf(code)).toBe(status);
      expect(new AppError(code, 'm').status).toBe(status);
    }
  });
});

describe('toAppError', () => {
  it('answers each kind of database error from retry.ts classification', () => {
    const cases: [string, string | null, number | undefined][] = [
      ['23505', 'conflict', undefined],
      ['23503', 'unprocessable', undefined],
      ['23502', 'unprocessable', undefined],
      ['23514', 'unprocessable', undefined],
      ['23P01', 'unprocessable', undefined],
      ['22P02', 'unprocessable', undefined],
      ['22003', 'unprocessable', undefined],
      ['40001', 'unavailable', 1],
      ['40P01', 'unavailable', 1],
      ['57014', 'unavailable', 1],
      ['57P03', 'unavailable', 1],
      ['08006', 'unavailable', 1],
      ['ECONNREFUSED', 'unavailable', 1],
      ['CONNECTION_CLOSED', 'unavailable', 1],
      ['42703', null, undefined],
      ['XX000', null, undefined],
    ];
    for (const [code, answer, retryAfterS] of cases) {
      const e = toAppError(driverError(code));
      expect({ code, answer: e?.code ?? null, retryAfterS: e?.retryAfterS }).toEqual({ code, answer, retryAfterS });
    }
  });

  it('passes an AppError through and has no answer for a bug', () => {
    const own = new AppError('not_found', 'No such thing');
    expect(toAppError(own)).toBe(own);
    expect(toAppError(new TypeError('x is undefined'))).toBeNull();
  });
});

describeEachDb('database errors through the API handler', (t) => {
  let token = '';
  beforeAll(async () => {
    state.db = t().db;
    await t().db.execute(sql`CREATE TABLE errors_test_unique (id int PRIMARY KEY)`);
    token = (await createApiToken(t().db, { name: `errors-${randomUUID()}`, scopes: ['ingest'] })).token;
  });

  const call = async (statement: () => Promise<unknown>) => {
    const route = apiRoute({ scopes: ['ingest'] }, async () => {
      await statement();
      return json(200, { ok: true });
    });
    const res = await route(
      new Request('http://localhost:3000/api/v1/x', { headers: { authorization: `Bearer ${token}` } }),
      { params: Promise.resolve({}) },
    );
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };

  it('a real unique violation is 409, a malformed value 422, a missing table 500 with no SQL in the body', async () => {
    const db = t().db;
    expect((await call(() => db.execute(sql`INSERT INTO errors_test_unique VALUES (1)`))).status).toBe(200);
    const dup = await call(() => db.execute(sql`INSERT INTO errors_test_unique VALUES (1)`));
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const bad = await call(() => db.execute(sql`SELECT 'not-a-uuid'::uuid`));
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'unprocessable' } } });
    const bug = await call(() => db.execute(sql`SELECT * FROM errors_test_missing`));
    expect(bug).toEqual({ status: 500, retryAfter: null, body: { error: { code: 'internal', message: 'Internal error' } } });
  });

  it('a serialization failure is 503 with Retry-After', async () => {
    const res = await call(() => t().db.execute(sql`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$`));
    expect(res).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'unavailable' } } });
  });
});
