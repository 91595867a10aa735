import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyError, RetryRecorder, retryPolicy, withRetry } from './retry';
import { TimeoutError } from './errors';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { name: 'PostgresError', code });
const otherDriverError = (code: string) => Object.assign(new Error(`db ${code}`), { name: 'DatabaseError', code });
const socketError = (code: string) => Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code });
/** Drizzle's DrizzleQueryError: no code, the SQL as message, the driver error in `cause`. */
const drizzleWrapped = (cause: Error) =>
  Object.assign(new Error('Failed query: select 1'), { name: 'DrizzleQueryError', cause });

describe('classifyError', () => {
  it.each([
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock_detected'],
    ['55P03', 'lock_not_available'],
    ['53300', 'too_many_connections'],
    ['57P03', 'cannot_connect_now'],
    ['08001', 'unable_to_connect'],
    ['08004', 'connection_rejected'],
  ])('says %s (%s) is retryable', (code, errorClass) => {
    expect(classifyError(otherDriverError(code))).toEqual({ kind: 'retryable', errorClass, code });
  });

  it.each(['08000', '08003', '08006', '08007', '57P01', '57P02'])('says %s is ambiguous', (code) => {
    expect(classifyError(otherDriverError(code)).kind).toBe('ambiguous');
  });

  it('treats the stale 57P01 postgres.js raises before sending the next query as retryable', () => {
    expect(classifyError(pgError('57P01'))).toMatchObject({ kind: 'retryable', errorClass: 'admin_shutdown_stale' });
  });

  it.each([
    ['ECONNREFUSED', 'retryable'],
    ['CONNECT_TIMEOUT', 'retryable'],
    ['CONNECTION_CLOSED', 'ambiguous'],
    ['CONNECTION_DESTROYED', 'ambiguous'],
    ['ECONNRESET', 'ambiguous'],
    ['EPIPE', 'ambiguous'],
    ['CONNECTION_ENDED', 'permanent'],
    ['UNSAFE_TRANSACTION', 'permanent'],
  ])('says the driver code %s is %s', (code, kind) => {
    expect(classifyError(socketError(code)).kind).toBe(kind);
  });

  it.each(['22P02', '23505', '23503', '28P01', '42P01', '42601', '0A000', 'XX000', '57014'])(
    'says %s is permanent',
    (code) => {
      expect(classifyError(pgError(code)).kind).toBe('permanent');
    },
  );

  it('names unique violations', () => {
    expect(classifyError(pgError('23505')).errorClass).toBe('unique_violation');
  });

  it("looks through Drizzle's wrapper to the driver error", () => {
    expect(classifyError(drizzleWrapped(pgError('40001')))).toMatchObject({ kind: 'retryable', code: '40001' });
    expect(classifyError(drizzleWrapped(socketError('ECONNRESET')))).toMatchObject({ kind: 'ambiguous' });
  });

  it('never retries an acquisition timeout or an error without a code', () => {
    const timeout = new TimeoutError({ poolSize: 1, inFlight: 1, waiting: 1, waitedMs: 10 });
    expect(classifyError(timeout)).toEqual({ kind: 'permanent', errorClass: 'acquire_timeout' });
    expect(classifyError(new Error('boom')).kind).toBe('permanent');
    expect(classifyError('a string').kind).toBe('permanent');
  });
});

describe('backoffDelay', () => {
  const policy = retryPolicy({ initialDelayMs: 100, base: 2, capMs: 1000, maxRetries: 5 });
  it('grows exponentially up to the cap, with full jitter below it', () => {
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(799);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('withRetry', () => {
  const noSleep = async () => {};
  const failing = (errors: unknown[], result = 'done') => {
    let calls = 0;
    const fn = async () => {
      const e = errors[calls++];
      if (e) throw e;
      return result;
    };
    return { fn, calls: () => calls };
  };

  it('retries retryable errors and counts the recovery', async () => {
    const recorder = new RetryRecorder();
    const f = failing([pgError('40001'), pgError('40P01')]);
    await expect(withRetry('resume', f.fn, { recorder, sleep: noSleep })).resolves.toBe('done');
    expect(f.calls()).toBe(3);
    const s = recorder.stats();
    expect(s.totalRetries).toBe(2);
    expect(s.recovered).toBe(1);
    expect(s.retrySuccessRate).toBe(1);
    expect(s.byErrorClass.serialization_failure.retries).toBe(1);
    expect(s.byErrorClass.deadlock_detected.recovered).toBe(1);
    expect(s.byOperation.resume).toMatchObject({ operations: 1, retries: 2, recovered: 1, failed: 0 });
  });

  it('does not retry a unique violation', async () => {
    const recorder = new RetryRecorder();
    const f = failing([drizzleWrapped(pgError('23505'))]);
    await expect(withRetry('create', f.fn, { recorder, sleep: noSleep })).rejects.toThrow('Failed query');
    expect(f.calls()).toBe(1);
    expect(recorder.stats()).toMatchObject({ totalRetries: 0, failedOperations: 1 });
    expect(recorder.stats().byErrorClass.unique_violation.failed).toBe(1);
  });

  it('does not retry an ambiguous error on a write not declared idempotent', async () => {
    const recorder = new RetryRecorder();
    const f = failing([socketError('ECONNRESET')]);
    await expect(withRetry('append', f.fn, { recorder, sleep: noSleep })).rejects.toThrow('ECONNRESET');
    expect(f.calls()).toBe(1);
  });

  it('retries an ambiguous error when the work is idempotent', async () => {
    const f = failing([socketError('CONNECTION_CLOSED')]);
    await expect(
      withRetry('upsert', f.fn, { idempotent: true, recorder: new RetryRecorder(), sleep: noSleep }),
    ).resolves.toBe('done');
    expect(f.calls()).toBe(2);
  });

  it('gives up after MAX_RETRIES retries with the last error', async () => {
    const recorder = new RetryRecorder();
    const f = failing(Array.from({ length: 10 }, () => pgError('53300')));
    await expect(withRetry('read', f.fn, { recorder, sleep: noSleep, maxRetries: 3 })).rejects.toThrow('53300');
    expect(f.calls()).toBe(4);
    expect(recorder.stats()).toMatchObject({ totalRetries: 3, failedOperations: 1, retrySuccessRate: 0 });
  });

  it('stops when the time budget would be exceeded', async () => {
    const f = failing(Array.from({ length: 10 }, () => pgError('40001')));
    await expect(
      withRetry('read', f.fn, {
        recorder: new RetryRecorder(),
        maxRetries: 10,
        initialDelayMs: 1000,
        capMs: 1000,
        maxTotalMs: 1,
        sleep: noSleep,
      }),
    ).rejects.toThrow();
    // The first delay is random in [0, 1000): only a zero delay would fit a 1 ms budget.
    expect(f.calls()).toBeLessThanOrEqual(2);
  });
});
