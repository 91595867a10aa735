import { sql } from 'drizzle-orm';
import { env } from '@/lib/env';
import type { Db } from './client';

/**
 * Retry on transient database failures. Every error is put in one of three kinds:
 * - retryable: the statement did not run (serialization failure, deadlock, lock not available, too many
 *   connections, server starting, cannot connect): always safe to run again;
 * - ambiguous: the connection died while the statement may have been running, so it may have committed:
 *   retried only for reads and for writes the caller declared idempotent;
 * - permanent: data, constraint, syntax, auth, unsupported, internal and driver usage errors: never retried.
 * Backoff is exponential with full jitter (a random delay between 0 and min(cap, initial × base^attempt)) so
 * that N processes losing the same server do not come back in lock-step; attempts and total time are bounded.
 *
 * 57P01 (admin_shutdown) needs care: postgres.js reports a backend killed mid-statement as CONNECTION_CLOSED,
 * and keeps the server's FATAL 57P01 to reject the *next* query on the reconnected socket before sending it
 * (connection.js ReadyForQuery with a stale errorResponse). A 57P01 PostgresError from postgres.js is therefore
 * the stale one: the statement never ran. From any other driver 57P01 is ambiguous.
 */

export type ErrorKind = 'retryable' | 'ambiguous' | 'permanent';

export type ErrorClassification = {
  kind: ErrorKind;
  /** Stable snake_case name used in statistics and charts, e.g. `serialization_failure`, `connection_closed`. */
  errorClass: string;
  /** SQLSTATE or driver/socket code when there is one. */
  code?: string;
};

const RETRYABLE_SQLSTATE: Record<string, string> = {
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '55P03': 'lock_not_available',
  '53300': 'too_many_connections',
  '57P03': 'cannot_connect_now',
  '08001': 'unable_to_connect',
  '08004': 'connection_rejected',
};

const AMBIGUOUS_SQLSTATE: Record<string, string> = {
  '08000': 'connection_exception',
  '08003': 'connection_does_not_exist',
  '08006': 'connection_failure',
  '08007': 'transaction_resolution_unknown',
  '57P01': 'admin_shutdown',
  '57P02': 'crash_shutdown',
};

const RETRYABLE_DRIVER: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  EAI_AGAIN: 'dns_unavailable',
};

const AMBIGUOUS_DRIVER: Record<string, string> = {
  CONNECTION_CLOSED: 'connection_closed',
  CONNECTION_DESTROYED: 'connection_destroyed',
  ECONNRESET: 'connection_reset',
  EPIPE: 'broken_pipe',
};

const PERMANENT_SQLSTATE_CLASS: Record<string, string> = {
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '28': 'invalid_authorization',
  '42': 'syntax_error_or_access_rule_violation',
  '0A': 'feature_not_supported',
  XX: 'internal_error',
};

const PERMANENT_SQLSTATE: Record<string, string> = {
  '23505': 'unique_violation',
  '23503': 'foreign_key_violation',
  '23502': 'not_null_violation',
  '23514': 'check_violation',
  '57014': 'query_canceled',
  '25P02': 'in_failed_sql_transaction',
};

type ErrorLike = { code?: unknown; name?: unknown; cause?: unknown; routine?: unknown; message?: unknown };

/** The driver error behind wrappers: Drizzle's DrizzleQueryError (no code, the Postgres error in `.cause`). */
export function unwrapDriverError(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 5; depth++) {
    if (!current || typeof current !== 'object') return current;
    const e = current as ErrorLike;
    if (typeof e.code === 'string' || e.name === 'TimeoutError') return current;
    if (!e.cause) return current;
    current = e.cause;
  }
  return current;
}

export function classifyError(err: unknown): ErrorClassification {
  const inner = unwrapDriverError(err);
  if (!inner || typeof inner !== 'object') return { kind: 'permanent', errorClass: 'unknown' };
  const e = inner as ErrorLike;
  if (e.name === 'TimeoutError') return { kind: 'permanent', errorClass: 'acquire_timeout' };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (!code) return { kind: 'permanent', errorClass: 'unknown' };

  if (code === '57P01' && e.name === 'PostgresError') {
    return { kind: 'retryable', errorClass: 'admin_shutdown_stale', code };
  }
  if (RETRYABLE_SQLSTATE[code]) return { kind: 'retryable', errorClass: RETRYABLE_SQLSTATE[code], code };
  if (AMBIGUOUS_SQLSTATE[code]) return { kind: 'ambiguous', errorClass: AMBIGUOUS_SQLSTATE[code], code };
  if (RETRYABLE_DRIVER[code]) return { kind: 'retryable', errorClass: RETRYABLE_DRIVER[code], code };
  if (AMBIGUOUS_DRIVER[code]) return { kind: 'ambiguous', errorClass: AMBIGUOUS_DRIVER[code], code };
  if (PERMANENT_SQLSTATE[code]) return { kind: 'permanent', errorClass: PERMANENT_SQLSTATE[code], code };
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const cls = PERMANENT_SQLSTATE_CLASS[code.slice(0, 2)];
    if (cls) return { kind: 'permanent', errorClass: cls, code };
    // Any other 08xxx is a connection problem we did not list; treat it like the listed ambiguous ones.
    if (code.startsWith('08')) return { kind: 'ambiguous', errorClass: 'connection_exception', code };
    return { kind: 'permanent', errorClass: `sqlstate_${code}`, code };
  }
  // Driver usage errors (UNDEFINED_VALUE, MAX_PARAMETERS_EXCEEDED, CONNECTION_ENDED, …) never succeed on retry.
  return { kind: 'permanent', errorClass: code.toLowerCase(), code };
}

/** Whether an error of this classification may be retried for work of this kind. */
export function isRetryAllowed(c: ErrorClassification, idempotent: boolean) {
  return c.kind === 'retryable' || (c.kind === 'ambiguous' && idempotent);
}

// ---------------------------------------------------------------------------------------------- statistics

type Counts = { retries: number; recovered: number; failed: number };
type Bucket = Counts & { minute: number; operation: string; errorClass: string };

export type RetryStats = {
  /** Operations run through withRetry (and single statements run by the client wrapper). */
  operations: number;
  totalRetries: number;
  /** Operations that needed at least one retry. */
  retriedOperations: number;
  /** Of those, how many succeeded in the end. */
  recovered: number;
  /** recovered / retriedOperations, or null when nothing was retried. */
  retrySuccessRate: number | null;
  /** Operations that ended with an error (permanent, not allowed, attempts or time exhausted). */
  failedOperations: number;
  byErrorClass: Record<string, Counts>;
  byOperation: Record<string, Counts & { operations: number }>;
  since: string;
};

const MAX_PENDING_BUCKETS = 10_000;

/**
 * Process-wide retry counters plus the per-minute buckets not yet written to db_retry_log. A flush takes the
 * pending buckets; if the write fails they are put back (bounded) for the next flush.
 */
export class RetryRecorder {
  private operations = 0;
  private totalRetries = 0;
  private retriedOperations = 0;
  private recovered = 0;
  private failed = 0;
  private byErrorClass = new Map<string, Counts>();
  private byOperation = new Map<string, Counts & { operations: number }>();
  private pending = new Map<string, Bucket>();
  private since = new Date();

  recordOperation(operation: string) {
    this.operations++;
    const op = this.opCounts(operation);
    op.operations++;
  }

  recordRetry(operation: string, errorClass: string) {
    this.totalRetries++;
    this.opCounts(operation).retries++;
    this.classCounts(errorClass).retries++;
    this.bucket(operation, errorClass).retries++;
  }

  /** An operation that had retried (lastErrorClass = the error that caused its last retry) then succeeded. */
  recordRecovered(operation: string, lastErrorClass: string) {
    this.retriedOperations++;
    this.recovered++;
    this.opCounts(operation).recovered++;
    this.classCounts(lastErrorClass).recovered++;
    this.bucket(operation, lastErrorClass).recovered++;
  }

  recordFailed(operation: string, errorClass: string, retried: boolean) {
    if (retried) this.retriedOperations++;
    this.failed++;
    this.opCounts(operation).failed++;
    this.classCounts(errorClass).failed++;
    this.bucket(operation, errorClass).failed++;
  }

  stats(): RetryStats {
    return {
      operations: this.operations,
      totalRetries: this.totalRetries,
      retriedOperations: this.retriedOperations,
      recovered: this.recovered,
      retrySuccessRate: this.retriedOperations ? this.recovered / this.retriedOperations : null,
      failedOperations: this.failed,
      byErrorClass: Object.fromEntries([...this.byErrorClass].map(([k, v]) => [k, { ...v }])),
      byOperation: Object.fromEntries([...this.byOperation].map(([k, v]) => [k, { ...v }])),
      since: this.since.toISOString(),
    };
  }

  /** Writes pending per-minute buckets, adding to rows other processes wrote. Never throws. */
  async flush(db: Db): Promise<{ ok: true; rows: number } | { ok: false; error: string }> {
    if (this.pending.size === 0) return { ok: true, rows: 0 };
    const buckets = [...this.pending.values()];
    this.pending = new Map();
    try {
      const values = sql.join(
        buckets.map(
          (b) =>
            sql`(to_timestamp(${b.minute / 1000}), ${b.operation}, ${b.errorClass}, ${b.retries}, ${b.recovered}, ${b.failed})`,
        ),
        sql`, `,
      );
      await db.execute(sql`
        INSERT INTO db_retry_log (minute, operation, error_class, retries, recovered, failed)
        VALUES ${values}
        ON CONFLICT (minute, operation, error_class) DO UPDATE SET
          retries = db_retry_log.retries + excluded.retries,
          recovered = db_retry_log.recovered + excluded.recovered,
          failed = db_retry_log.failed + excluded.failed`);
      return { ok: true, rows: buckets.length };
    } catch (err) {
      for (const b of buckets) {
        if (this.pending.size >= MAX_PENDING_BUCKETS) break;
        const key = `${b.minute}|${b.operation}|${b.errorClass}`;
        const existing = this.pending.get(key);
        if (existing) {
          existing.retries += b.retries;
          existing.recovered += b.recovered;
          existing.failed += b.failed;
        } else this.pending.set(key, b);
      }
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** For tests. */
  reset() {
    Object.assign(this, new RetryRecorder());
  }

  private opCounts(operation: string) {
    let c = this.byOperation.get(operation);
    if (!c) this.byOperation.set(operation, (c = { operations: 0, retries: 0, recovered: 0, failed: 0 }));
    return c;
  }

  private classCounts(errorClass: string) {
    let c = this.byErrorClass.get(errorClass);
    if (!c) this.byErrorClass.set(errorClass, (c = { retries: 0, recovered: 0, failed: 0 }));
    return c;
  }

  private bucket(operation: string, errorClass: string) {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const key = `${minute}|${operation}|${errorClass}`;
    let b = this.pending.get(key);
    if (!b) {
      b = { minute, operation, errorClass, retries: 0, recovered: 0, failed: 0 };
      if (this.pending.size < MAX_PENDING_BUCKETS) this.pending.set(key, b);
    }
    return b;
  }
}

const globalForRetry = globalThis as unknown as { __flightdeckRetry?: RetryRecorder };

/** The process-wide recorder (cached on globalThis so hot reloads keep the counts). */
export function retryRecorder(): RetryRecorder {
  globalForRetry.__flightdeckRetry ??= new RetryRecorder();
  return globalForRetry.__flightdeckRetry;
}

// ---------------------------------------------------------------------------------------------- withRetry

export type RetryPolicy = {
  maxRetries: number;
  base: number;
  initialDelayMs: number;
  capMs: number;
  /** No new attempt starts after this much time since the first one. */
  maxTotalMs: number;
};

export type RetryOptions = Partial<RetryPolicy> & {
  /** Safe to run twice (reads, upserts keyed by a client id): ambiguous errors are retried too. */
  idempotent?: boolean;
  recorder?: RetryRecorder;
  /** For tests: replaces setTimeout-based sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Override the classifier (tests). */
  classify?: (err: unknown) => ErrorClassification;
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const e = env();
  const base = {
    maxRetries: e.MAX_RETRIES,
    base: e.RETRY_BACKOFF_BASE,
    initialDelayMs: e.RETRY_INITIAL_DELAY_MS,
    capMs: e.RETRY_BACKOFF_CAP_MS,
    maxTotalMs: 0,
  };
  const p = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  // Default time budget: enough for every attempt's worst-case delay plus a statement timeout's worth of work.
  if (!p.maxTotalMs) p.maxTotalMs = p.capMs * (p.maxRetries + 1) + e.DB_STATEMENT_TIMEOUT_MS;
  return p;
}

/** Full jitter: uniform in [0, min(cap, initial × base^attempt)). `attempt` counts retries from 0. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random) {
  const ceiling = Math.min(policy.capMs, policy.initialDelayMs * Math.pow(policy.base, attempt));
  return Math.floor(random() * ceiling);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying transient failures. Wrap a whole transaction, not a statement inside one: after an
 * error the transaction is gone. Writes are retried on ambiguous errors only when `idempotent` is set.
 */
export async function withRetry<T>(operation: string, fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = retryPolicy(options);
  const recorder = options.recorder ?? retryRecorder();
  const classify = options.classify ?? classifyError;
  const sleep = options.sleep ?? defaultSleep;
  const idempotent = options.idempotent ?? false;
  const started = Date.now();
  recorder.recordOperation(operation);
  let lastClass: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await fn();
      if (lastClass) recorder.recordRecovered(operation, lastClass);
      return result;
    } catch (err) {
      const c = classify(err);
      const delay = backoffDelay(policy, attempt);
      const canRetry =
        isRetryAllowed(c, idempotent) &&
        attempt < policy.maxRetries &&
        Date.now() - started + delay < policy.maxTotalMs;
      if (!canRetry) {
        recorder.recordFailed(operation, c.errorClass, lastClass !== undefined);
        throw err;
      }
      recorder.recordRetry(operation, c.errorClass);
      lastClass = c.errorClass;
      await sleep(delay);
    }
  }
}
