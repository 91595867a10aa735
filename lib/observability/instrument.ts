import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite, Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import type { DbMonitor } from './monitor';
import { templateOf, type QueryTemplate } from './query-template';
import { classifyError, isRetryAllowed, retryRecorder, withRetry } from '@/lib/db/retry';

/**
 * Driver stand-ins handed to Drizzle instead of the real postgres.js / PGlite client. Drizzle only calls a few
 * methods (postgres.js: `unsafe(...)[.values()]`, `begin`, `savepoint`, `options`; PGlite: `query`,
 * `transaction`), so these wrap exactly those: each statement outside a transaction takes a slot from the
 * monitor's semaphore, is timed and recorded, and if it fails with an error that is safe to retry (any
 * retryable error; ambiguous ones only for plain reads) it is retried through withRetry. A transaction holds
 * one slot from BEGIN to COMMIT; statements inside it are timed but never retried one by one (the
 * transaction is gone after an error: retry the whole of it with withRetry).
 */

/** `options`: what the driver was given (postgres.js `{ prepare }`), so a replay sends the statement the same way. */
export type RecordedStatement = { text: string; params: unknown[]; options?: unknown };

const recording = new AsyncLocalStorage<RecordedStatement[]>();

/**
 * Every statement `fn` sends through the data layer (pooled, in a transaction, PGlite or postgres.js), in the order
 * sent, with its parameters: what `npm run bench:queries` times for a page, and what tests count. Only the
 * caller's own async context is recorded, so concurrent requests do not mix in.
 */
export async function recordStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: RecordedStatement[] }> {
  const statements: RecordedStatement[] = [];
  const result = await recording.run(statements, fn);
  return { result, statements };
}

function noteStatement(text: string, params: unknown[] | undefined, options?: unknown) {
  recording.getStore()?.push({ text, params: params ?? [], options });
}

type Unsafe = (query: string, params?: unknown[], options?: unknown) => postgres.PendingQuery<postgres.Row[]>;
type PgLike = { unsafe: Unsafe; savepoint?: postgres.TransactionSql['savepoint'] };

function noteFailure(monitor: DbMonitor, info: QueryTemplate, started: number, stack: Error | undefined) {
  try {
    monitor.recordQuery(info, performance.now() - started, true, stack);
  } catch {
    // monitoring never breaks a query
  }
}

function noteSuccess(monitor: DbMonitor, info: QueryTemplate, started: number, stack: Error | undefined) {
  try {
    monitor.recordQuery(info, performance.now() - started, false, stack);
  } catch {
    // monitoring never breaks a query
  }
}

/** Runs one statement on the pool: slot, timing, record, retry on a safe failure. */
async function runPooled<T>(monitor: DbMonitor, info: QueryTemplate, attempt: () => Promise<T>): Promise<T> {
  const once = async () => {
    const wait = monitor.acquire();
    if (wait) await wait;
    const stack = monitor.wantsStack(info) ? new Error('query') : undefined;
    const started = performance.now();
    try {
      const result = await attempt();
      noteSuccess(monitor, info, started, stack);
      return result;
    } catch (err) {
      noteFailure(monitor, info, started, stack);
      throw err;
    } finally {
      monitor.release();
    }
  };
  try {
    return await once();
  } catch (err) {
    const c = classifyError(err);
    if (!isRetryAllowed(c, info.readOnly)) {
      try {
        const recorder = retryRecorder();
        recorder.recordOperation(info.operation);
        recorder.recordFailed(info.operation, c.errorClass, false);
      } catch {
        // counting never breaks a query
      }
      throw err;
    }
    // First attempt already failed: withRetry's own first attempt is our second try.
    let first = true;
    return withRetry(
      info.operation,
      async () => {
        if (first) {
          first = false;
          throw err;
        }
        return once();
      },
      { idempotent: info.readOnly },
    );
  }
}

/** A lazy stand-in for postgres.js's PendingQuery: Drizzle awaits it, optionally after `.values()`. */
class MonitoredQuery<T> implements PromiseLike<T> {
  private mode: 'rows' | 'values' = 'rows';
  private promise: Promise<T> | undefined;
  constructor(
    private readonly target: PgLike,
    private readonly monitor: DbMonitor,
    private readonly query: string,
    private readonly params: unknown[] | undefined,
    private readonly options: unknown,
    private readonly inTransaction: boolean,
  ) {}

  values() {
    this.mode = 'values';
    return this;
  }

  private run(): Promise<T> {
    const issue = () => {
      const q = this.target.unsafe(this.query, this.params as postgres.ParameterOrJSON<never>[], this.options);
      return (this.mode === 'values' ? q.values() : q) as unknown as Promise<T>;
    };
    noteStatement(this.query, this.params, this.options);
    const info = templateOf(this.query);
    if (!this.inTransaction) return runPooled(this.monitor, info, issue);
    const stack = this.monitor.wantsStack(info) ? new Error('query') : undefined;
    const started = performance.now();
    return issue().then(
      (r) => {
        noteSuccess(this.monitor, info, started, stack);
        return r;
      },
      (err) => {
        noteFailure(this.monitor, info, started, stack);
        throw err;
      },
    );
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.promise ??= this.run();
    return this.promise.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null) {
    return this.then(undefined, onrejected);
  }
}

function wrapPostgresTransaction(tx: postgres.TransactionSql, monitor: DbMonitor): unknown {
  return {
    options: (tx as unknown as { options: unknown }).options,
    unsafe: (query: string, params?: unknown[], options?: unknown) =>
      new MonitoredQuery(tx as unknown as PgLike, monitor, query, params, options, true),
    savepoint: (fn: (inner: unknown) => unknown) =>
      tx.savepoint((inner) => fn(wrapPostgresTransaction(inner, monitor)) as Promise<unknown>),
  };
}

/** Runs `body` holding one slot for its whole duration, recorded as held (leak suspicion after a threshold). */
async function holdSlot<T>(
  monitor: DbMonitor,
  kind: 'transaction' | 'reserved',
  body: () => Promise<T>,
  openedBy?: Error,
): Promise<T> {
  const wait = monitor.acquire();
  if (wait) await wait;
  let id = 0;
  try {
    id = monitor.openHeld(kind, openedBy);
  } catch {
    // monitoring never breaks a query
  }
  try {
    return await body();
  } finally {
    monitor.closeHeld(id);
    monitor.release();
  }
}

export type MonitoredPostgres = {
  options: postgres.Sql['options'];
  unsafe: (query: string, params?: unknown[], options?: unknown) => PromiseLike<unknown>;
  begin: (...args: unknown[]) => Promise<unknown>;
  /** A dedicated connection (LISTEN, session settings); counted as held until `release()`. */
  reserve: () => Promise<postgres.ReservedSql>;
};

export function monitorPostgres(sqlClient: postgres.Sql, monitor: DbMonitor): MonitoredPostgres {
  return {
    options: sqlClient.options,
    unsafe: (query, params, options) =>
      new MonitoredQuery(sqlClient as unknown as PgLike, monitor, query, params, options, false),
    begin: (...args: unknown[]) => {
      const fn = (args.length > 1 ? args[1] : args[0]) as (tx: unknown) => Promise<unknown>;
      const mode = args.length > 1 ? (args[0] as string) : undefined;
      let bodyStarted = false;
      // Taken here, before the retry loop, so a leak report names the caller rather than our own frames.
      const openedBy = new Error('opened here');
      const body = (tx: postgres.TransactionSql) => {
        bodyStarted = true;
        return fn(wrapPostgresTransaction(tx, monitor));
      };
      const once = () => {
        bodyStarted = false;
        return holdSlot(
          monitor,
          'transaction',
          () => (mode ? sqlClient.begin(mode, body) : sqlClient.begin(body)) as Promise<unknown>,
          openedBy,
        );
      };
      // A transaction that failed before its body ran (connection refused or lost at BEGIN, or postgres.js
      // 3.4's UNSAFE_TRANSACTION when BEGIN lands on a connection it did not reserve after a backend was killed,
      // porsager/postgres#823) wrote nothing: it is retried like a single statement. Once the body has run, a
      // failure is the caller's to handle (the work may have reached the server).
      return withRetry('transaction', once, {
        classify: (err) => {
          const c = classifyError(err);
          if (bodyStarted) return { ...c, kind: 'permanent' };
          if (c.code === 'UNSAFE_TRANSACTION') return { kind: 'retryable', errorClass: 'unsafe_transaction', code: c.code };
          return c.kind === 'ambiguous' ? { ...c, kind: 'retryable' } : c;
        },
      });
    },
    reserve: async () => {
      const wait = monitor.acquire();
      if (wait) await wait;
      const id = monitor.openHeld('reserved');
      try {
        const reserved = await sqlClient.reserve();
        const release = reserved.release.bind(reserved);
        let released = false;
        reserved.release = () => {
          if (!released) {
            released = true;
            monitor.closeHeld(id);
            monitor.release();
          }
          release();
        };
        return reserved;
      } catch (err) {
        monitor.closeHeld(id);
        monitor.release();
        throw err;
      }
    },
  };
}

type PgliteQuery = PGlite['query'];

function wrapPgliteTransaction(tx: PgliteTransaction, monitor: DbMonitor): PgliteTransaction {
  const timed: PgliteQuery = (async (query: string, params?: unknown[], options?: unknown) => {
    noteStatement(query, params);
    const info = templateOf(query);
    const stack = monitor.wantsStack(info) ? new Error('query') : undefined;
    const started = performance.now();
    try {
      const r = await tx.query(query, params, options as never);
      noteSuccess(monitor, info, started, stack);
      return r;
    } catch (err) {
      noteFailure(monitor, info, started, stack);
      throw err;
    }
  }) as PgliteQuery;
  return {
    query: timed,
    sql: tx.sql.bind(tx),
    exec: tx.exec.bind(tx),
    rollback: tx.rollback.bind(tx),
    listen: tx.listen?.bind(tx),
    get closed() {
      return tx.closed;
    },
  } as unknown as PgliteTransaction;
}

/** PGlite behind the same semaphore (a pool of one): callers queue in our queue, timed and bounded. */
export function monitorPglite(pglite: PGlite, monitor: DbMonitor) {
  return {
    query: ((query: string, params?: unknown[], options?: unknown) => {
      noteStatement(query, params);
      return runPooled(monitor, templateOf(query), () => pglite.query(query, params, options as never));
    }) as PgliteQuery,
    exec: (query: string, options?: unknown) => {
      noteStatement(query, undefined);
      return runPooled(monitor, templateOf(query), () => pglite.exec(query, options as never));
    },
    transaction: <T>(fn: (tx: PgliteTransaction) => Promise<T>) =>
      holdSlot(monitor, 'transaction', () => pglite.transaction((tx) => fn(wrapPgliteTransaction(tx, monitor)))),
    get waitReady() {
      return pglite.waitReady;
    },
    get closed() {
      return pglite.closed;
    },
  };
}
