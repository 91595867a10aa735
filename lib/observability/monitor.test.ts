import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@/lib/db/errors';
import { DbMonitor } from './monitor';
import { isReadOnlyStatement, normalizeQuery, templateOf } from './query-template';
import { percentileOf } from './rolling-window';

describe('normalizeQuery', () => {
  it('strips literals so that values do not make new templates', () => {
    expect(normalizeQuery(`SELECT * FROM t WHERE a = 'x''y' AND b = 42 AND c = -3.5e2`)).toBe(
      'SELECT * FROM t WHERE a = ? AND b = ? AND c = ?',
    );
    expect(normalizeQuery('select "id" from "agent_sessions" where "id" = $1 limit $2')).toBe(
      'select "id" from "agent_sessions" where "id" = ? limit ?',
    );
  });

  it('folds value lists and multi-row VALUES', () => {
    expect(normalizeQuery('select 1 from t where id in (1, 2, 3)')).toBe('select ? from t where id in (?)');
    expect(normalizeQuery('insert into t (a, b) values ($1, $2), ($3, $4), ($5, $6)')).toBe(
      'insert into t (a, b) values (?)',
    );
  });

  it('keeps identifiers with digits and drops comments and spacing', () => {
    expect(normalizeQuery('select  col1,\n  "t2"."x" -- note\nfrom t2 /* c */')).toBe('select col1, "t2"."x" from t2');
  });

  it('gives the same hash to the same statement with other values', () => {
    expect(templateOf(`select * from t where id = 1`).hash).toBe(templateOf(`select * from t where id = 99`).hash);
    expect(templateOf(`select * from t where id = 1`).hash).not.toBe(templateOf(`select * from u where id = 1`).hash);
  });
});

describe('isReadOnlyStatement', () => {
  it.each([
    ['select 1', true],
    ['with x as (select 1) select * from x', true],
    ['select * from t for update', false],
    ['with d as (delete from t returning *) select * from d', false],
    ['insert into t values (1)', false],
    ["select pg_advisory_xact_lock(1)", false],
    ["select nextval('s')", false],
  ])('%s → %s', (text, expected) => {
    expect(isReadOnlyStatement(text)).toBe(expected);
  });
});

describe('percentileOf', () => {
  it('uses the nearest rank', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(xs, 0.5)).toBe(50);
    expect(percentileOf(xs, 0.95)).toBe(95);
    expect(percentileOf(xs, 0.99)).toBe(99);
    expect(percentileOf([], 0.5)).toBeNull();
  });
});

describe('DbMonitor', () => {
  const monitor = (acquireTimeoutMs = 50) =>
    new DbMonitor({ driver: 'postgres', label: 't', poolSize: 2, acquireTimeoutMs, slowQueryMs: 100, leakThresholdMs: 0 });

  it('hands slots to waiters in order and counts them', async () => {
    const m = monitor(10_000);
    expect(m.acquire()).toBeNull();
    expect(m.acquire()).toBeNull();
    const order: number[] = [];
    const a = m.acquire()!.then(() => order.push(1));
    const b = m.acquire()!.then(() => order.push(2));
    expect(m.snapshot()).toMatchObject({ inFlight: 2, waiting: 2, utilisation: 1 });
    m.release();
    m.release();
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    m.release();
    m.release();
    expect(m.snapshot()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('fails a caller that waits too long with a TimeoutError naming the pool state', async () => {
    const m = monitor(20);
    m.acquire();
    m.acquire();
    const err = await m.acquire()!.catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toMatch(/pool size 2, in flight 2, waiting 1/);
    expect(err.status).toBe(503);
    const s = m.snapshot();
    expect(s.acquireTimeouts).toBe(1);
    expect(s.health.status).toBe('unhealthy');
    // The slot the timed-out caller never got goes to the next caller, not to the dead one.
    m.release();
    expect(m.snapshot()).toMatchObject({ inFlight: 1, waiting: 0 });
  });

  it('times every waiter from its own start, also when the one before it was served', async () => {
    const m = monitor(60);
    m.acquire();
    m.acquire();
    const t0 = performance.now();
    const first = m.acquire()!.then(() => 'served');
    await new Promise((r) => setTimeout(r, 30));
    const second = m.acquire()!.then(
      () => 'served',
      (e) => ({ err: e, after: performance.now() - t0 }),
    );
    m.release(); // the first waiter gets this slot before its deadline
    expect(await first).toBe('served');
    const r = (await second) as { err: unknown; after: number };
    expect(r.err).toBeInstanceOf(TimeoutError);
    // Refused at its own deadline (30 + 60 ms), not the first waiter's (60 ms), and not never.
    expect(r.after).toBeGreaterThanOrEqual(85);
    expect(m.snapshot()).toMatchObject({ acquireTimeouts: 1, inFlight: 2 });
  });

  it('records templates, slow queries with their caller, and suspected leaks', () => {
    const m = monitor();
    const info = templateOf('select * from agent_sessions where id = $1');
    m.recordQuery(info, 5, false, new Error('x'));
    m.recordQuery(info, 150, true);
    const [top] = m.topTemplates({ limit: 1 });
    expect(top).toMatchObject({ hash: info.hash, count: 2, errors: 1, maxMs: 150, meanMs: 77.5 });
    expect(top.caller).toContain('monitor.test.ts');
    expect(m.slowQueries()[0]).toMatchObject({ hash: info.hash, durationMs: 150, error: true });
    const id = m.openHeld('transaction');
    const leaks = m.snapshot().suspectedLeaks;
    expect(leaks).toHaveLength(1);
    expect(leaks[0].openedBy).toContain('monitor.test.ts');
    m.closeHeld(id);
    expect(m.snapshot().suspectedLeaks).toHaveLength(0);
  });
});
