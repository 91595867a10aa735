import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createDb, queryRows, type DbHandle } from '@/lib/db/client';
import { describeEachDb } from '@/lib/test/db';
import { runOncePerInterval } from './jobs';

/**
 * A pass claimed per interval (job_runs, drizzle/0016): with several instances racing for the same interval exactly
 * one runs it; the next interval runs again; a failed pass is recorded with its error and does not block the next.
 * On Postgres the instances are separate database handles (separate pools), as separate app processes would be.
 */
describeEachDb('passes once per interval across instances', (t) => {
  const rows = (job: string) =>
    queryRows<{ slot: string; instance: string; error: string | null; result: unknown }>(
      t().db,
      sql`SELECT slot::text, instance, error, result FROM job_runs WHERE job = ${job} ORDER BY slot`,
    );

  it('three instances racing for one interval: one pass, recorded with who ran it and its result', async () => {
    const others: DbHandle[] = [];
    if (t().url) for (let i = 0; i < 2; i++) others.push(await createDb({ url: t().url, poolMax: 2, metricsFlushMs: 0 }));
    const dbs = [t().db, ...others.map((h) => h.db)];
    while (dbs.length < 3) dbs.push(t().db);
    let runs = 0;
    const job = { name: 'race', everyMs: 60_000, run: async () => (runs++, [1, 2, 3]) };
    const now = Date.UTC(2026, 11, 7, 12, 0, 30);
    try {
      const outcomes = await Promise.all(dbs.map((db, i) => runOncePerInterval(db, job, { now, instance: `i${i}` })));
      expect(runs).toBe(1);
      expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
      const [row] = await rows('race');
      expect(new Date(row.slot).toISOString()).toBe('2026-12-07T12:00:00.000Z');
      expect(row.result).toEqual({ items: 3 });
      // Later in the same interval: nobody runs it again; the next interval runs once more.
      expect((await runOncePerInterval(t().db, job, { now: now + 20_000, instance: 'i0' })).ran).toBe(false);
      expect((await runOncePerInterval(dbs[1], job, { now: now + 40_000, instance: 'i1' })).ran).toBe(true);
      expect(runs).toBe(2);
      expect((await rows('race')).map((r) => r.instance)).toHaveLength(2);
    } finally {
      for (const h of others) await h.close();
    }
  });

  it('a failed pass keeps its interval claimed with the error; the next interval runs again', async () => {
    const now = Date.UTC(2026, 11, 7, 13, 0, 0);
    const failing = { name: 'failing', everyMs: 60_000, run: async () => Promise.reject(new Error('disk full')) };
    await expect(runOncePerInterval(t().db, failing, { now, instance: 'a' })).rejects.toThrow('disk full');
    expect((await runOncePerInterval(t().db, failing, { now: now + 1000, instance: 'b' })).ran).toBe(false);
    const ok = { ...failing, run: async () => ({ dropped: 0 }) };
    expect(await runOncePerInterval(t().db, ok, { now: now + 60_000, instance: 'b' })).toMatchObject({ ran: true, result: { dropped: 0 } });
    expect((await rows('failing')).map((r) => [r.instance, r.error])).toEqual([
      ['a', 'disk full'],
      ['b', null],
    ]);
  });
});
