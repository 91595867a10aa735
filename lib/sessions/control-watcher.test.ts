import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { abortSession, resumeSession } from '@/lib/interventions/commands';
import { createTestDatabase, describeEachDb, type TestDatabase } from '@/lib/test/db';
import { engineer, makePausedSession } from '@/lib/test/factories';
import { CONTROL_WATCH_INTERVAL_MS, controlWatcherStats } from './control-watcher';
import { waitForControlDecision } from './control';

/**
 * The in-process signal is what another instance does NOT get. `quiet` turns it off, so a decision reaches a held
 * poll only through the shared watcher's database check, exactly as a decision made on another instance does.
 */
const bus = vi.hoisted(() => ({ quiet: false }));
vi.mock('@/lib/events/bus', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/events/bus')>();
  return { ...real, signalSession: (id: string) => (bus.quiet ? undefined : real.signalSession(id)) };
});

const person = engineer('ann');

describeEachDb('control long-poll on one instance', (t) => {
  it('answers resume as soon as the decision commits (in-process signal), long before the interval', async () => {
    bus.quiet = false;
    const { session, pause } = await makePausedSession(t().db);
    const started = Date.now();
    const poll = waitForControlDecision(t().db, { sessionId: session.id, waitSeconds: 10 });
    await new Promise((r) => setTimeout(r, 50));
    expect((await resumeSession(t().db, { pausedSessionId: pause.id, note: 'go on' }, person)).ok).toBe(true);
    expect(await poll).toMatchObject({ ok: true, decision: { action: 'resume', pausedSessionId: pause.id, note: 'go on' } });
    expect(Date.now() - started).toBeLessThan(CONTROL_WATCH_INTERVAL_MS);
  });

  it('keeps every wait bounded: an undecided pause answers wait at the deadline, and a disconnect ends it at once', async () => {
    bus.quiet = false;
    const { session, pause } = await makePausedSession(t().db);
    let started = Date.now();
    expect(await waitForControlDecision(t().db, { sessionId: session.id, waitSeconds: 1.2 })).toMatchObject({
      ok: true,
      decision: { action: 'wait', pausedSessionId: pause.id },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1150);
    expect(Date.now() - started).toBeLessThan(3000);
    const ac = new AbortController();
    started = Date.now();
    const poll = waitForControlDecision(t().db, { sessionId: session.id, waitSeconds: 30, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect(await poll).toMatchObject({ decision: { action: 'wait' } });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(controlWatcherStats(t().db).sessions).toBe(0);
  });

  it('a decision the in-process signal never announces still arrives within about one interval', async () => {
    bus.quiet = true;
    try {
      const { session, pause } = await makePausedSession(t().db);
      const poll = waitForControlDecision(t().db, { sessionId: session.id, waitSeconds: 10 });
      await new Promise((r) => setTimeout(r, 100));
      const decided = Date.now();
      expect((await abortSession(t().db, { pausedSessionId: pause.id, reason: 'wrong branch' }, person)).ok).toBe(true);
      expect(await poll).toMatchObject({ ok: true, decision: { action: 'abort', reason: 'wrong branch' } });
      expect(Date.now() - decided).toBeLessThan(CONTROL_WATCH_INTERVAL_MS + 700);
    } finally {
      bus.quiet = false;
    }
  });
});

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** Two database handles on one Postgres database stand for two app instances, each with its own watcher. */
onPostgres('control long-polls across two instances [postgres]', () => {
  let a: TestDatabase;
  let b: { db: TestDatabase['db']; close: () => Promise<void> };
  beforeAll(async () => {
    a = await createTestDatabase('postgres');
    const { createDb } = await import('@/lib/db/client');
    const handle = await createDb({ url: a.url!, poolMax: 4, metricsFlushMs: 0 });
    b = { db: handle.db, close: () => handle.close() };
  });
  afterAll(async () => {
    await b?.close();
    await a?.destroy();
  });

  it('a resume decided on instance A reaches the poll held on instance B within about a second', async () => {
    bus.quiet = true;
    try {
      const { session, pause } = await makePausedSession(a.db);
      const poll = waitForControlDecision(b.db, { sessionId: session.id, waitSeconds: 10 });
      await new Promise((r) => setTimeout(r, 200));
      const decided = Date.now();
      expect((await resumeSession(a.db, { pausedSessionId: pause.id, note: 'from A' }, person)).ok).toBe(true);
      expect(await poll).toMatchObject({ ok: true, decision: { action: 'resume', note: 'from A' } });
      expect(Date.now() - decided).toBeLessThan(CONTROL_WATCH_INTERVAL_MS + 700);
    } finally {
      bus.quiet = false;
    }
  });

  it('N held polls cost one statement per interval on their instance, and no connection while they wait', async () => {
    const N = 60;
    const paused = await Promise.all(Array.from({ length: N }, () => makePausedSession(a.db)));
    const before = controlWatcherStats(b.db).queries;
    const started = Date.now();
    const polls = paused.map(({ session }) => waitForControlDecision(b.db, { sessionId: session.id, waitSeconds: 3.5 }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(controlWatcherStats(b.db).sessions).toBe(N);
    // No connection is busy for a held poll (at most the watcher's one statement of this instant).
    expect(await activeBackends(a)).toBeLessThanOrEqual(1);
    const results = await Promise.all(polls);
    const elapsed = Date.now() - started;
    expect(results.every((r) => r.ok && r.decision.action === 'wait')).toBe(true);
    const intervals = Math.ceil(elapsed / CONTROL_WATCH_INTERVAL_MS);
    expect(controlWatcherStats(b.db).queries - before).toBeLessThanOrEqual(intervals);
    expect(controlWatcherStats(b.db).sessions).toBe(0);
  });

  it('memory per held poll stays small (heap delta / polls)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const N = 300;
    const paused = await Promise.all(Array.from({ length: N }, () => makePausedSession(a.db)));
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const polls = paused.map(({ session }) => waitForControlDecision(b.db, { sessionId: session.id, waitSeconds: 3 }));
    await new Promise((r) => setTimeout(r, 1500));
    gc();
    const perPoll = (process.memoryUsage().heapUsed - heap0) / N;
    await Promise.all(polls);
    console.log(`control long-poll: ${(perPoll / 1024).toFixed(2)} KiB of heap per held poll (${N} polls, library level)`);
    expect(perPoll).toBeLessThan(8 * 1024);
  });
});

async function activeBackends(t: TestDatabase): Promise<number> {
  const postgres = (await import('postgres')).default;
  const c = postgres(t.url!, { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await c<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'`;
    return n - 1;
  } finally {
    await c.end();
  }
}
