import type postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { monitorPostgres } from './instrument';
import { DbMonitor } from './monitor';

/**
 * Transactions through the monitored postgres.js client: one that failed before its body ran wrote nothing and is
 * retried; one whose body ran is never run twice. The driver is a stand-in here (the test is about the retry
 * decision; lib/db/faults.test.ts kills real backends).
 */
const driverError = (code: string) => Object.assign(new Error(code), { code });

function fakeDriver(failures: Array<{ code: string; afterBody: boolean }>) {
  const calls = { begin: 0, body: 0 };
  const sql = {
    options: {},
    begin: async (fn: (tx: unknown) => Promise<unknown>) => {
      calls.begin++;
      const failure = failures.shift();
      if (failure && !failure.afterBody) throw driverError(failure.code);
      calls.body++;
      const result = await fn({ options: {}, unsafe: () => Promise.resolve([]), savepoint: () => Promise.resolve() });
      if (failure) throw driverError(failure.code);
      return result;
    },
  };
  return { sql: sql as unknown as postgres.Sql, calls };
}

const monitor = () => new DbMonitor({ driver: 'postgres', label: 't', poolSize: 2, acquireTimeoutMs: 1000, slowQueryMs: 100, leakThresholdMs: 0 });

describe('monitored transactions', () => {
  it('retries a transaction whose BEGIN failed (UNSAFE_TRANSACTION, lost connection) and runs the body once', async () => {
    const { sql, calls } = fakeDriver([
      { code: 'UNSAFE_TRANSACTION', afterBody: false },
      { code: 'CONNECTION_CLOSED', afterBody: false },
    ]);
    const m = monitor();
    const result = await monitorPostgres(sql, m).begin(async () => 'done');
    expect(result).toBe('done');
    expect(calls).toEqual({ begin: 3, body: 1 });
    expect(m.snapshot().inFlight).toBe(0);
  });

  it('does not retry once the body has run, even on an error that would otherwise be retried', async () => {
    const { sql, calls } = fakeDriver([{ code: 'CONNECTION_CLOSED', afterBody: true }]);
    await expect(monitorPostgres(sql, monitor()).begin(async () => 'done')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(calls).toEqual({ begin: 1, body: 1 });
  });

  it('does not retry a permanent failure at BEGIN', async () => {
    const { sql, calls } = fakeDriver([{ code: '42501', afterBody: false }]);
    await expect(monitorPostgres(sql, monitor()).begin(async () => 'done')).rejects.toMatchObject({ code: '42501' });
    expect(calls).toEqual({ begin: 1, body: 0 });
  });
});
