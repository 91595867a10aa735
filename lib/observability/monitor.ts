import { createHash } from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';
import type { Db } from '@/lib/db/client';
import { TimeoutError } from '@/lib/db/errors';

/**
 * The pool monitor. The client wrapper (instrument.ts) puts a semaphore of pool size in front of the driver,
 * so "waiting for a connection" is a queue we own: we can time it exactly, bound it (DB_ACQUIRE_TIMEOUT_MS →
 * TimeoutError naming the pool state) and count in-flight and waiting callers. postgres.js runs with
 * max_pipeline: 1 (lib/db/client.ts says why), so the driver never stacks a second query on a busy connection.
 *
 * Every statement is timed and attributed to its normalised template (literals stripped, hashed). Figures are
 * rolling windows of the last 1000 samples, kept in fixed arrays so recording costs a few array writes; the
 * percentiles are computed when someone reads them. Nothing here may throw into a query: the wrapper calls
 * the record* methods inside try/catch-free code paths that only do arithmetic.
 */

export const WINDOW_SIZE = 1000;
const MAX_TEMPLATES = 1000;
const MAX_SLOW = 100;

// ---------------------------------------------------------------------------------------------- templates

export type QueryTemplate = {
  template: string;
  /** First 16 hex characters of the template's SHA-1. */
  hash: string;
  /** Short name for statistics: verb and first table, e.g. `select agent_sessions`. */
  operation: string;
  /** A plain read: retried on ambiguous connection errors too. */
  readOnly: boolean;
};

/**
 * Strips literals so that the same statement with different values is one template: quoted strings, numbers,
 * $n parameters and value lists become `?`, `IN (?, ?, ?)` becomes `IN (?)`, whitespace collapses.
 */
export function normalizeQuery(text: string): string {
  return text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/E?'(?:[^']|'')*'/g, '?')
    .replace(/\$\$[\s\S]*?\$\$/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/(?<![\w"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w"])/gi, '?')
    .replace(/\b(true|false|null)\b/gi, (m) => (m.toLowerCase() === 'null' ? 'null' : '?'))
    .replace(/\s+/g, ' ')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
    .replace(/(\(\?\))(?:\s*,\s*\(\?\))+/g, '$1')
    .trim();
}

const WRITE_WORDS = /\b(insert|update|delete|merge|copy|create|alter|drop|truncate|grant|revoke|vacuum|for\s+(no\s+key\s+)?update|for\s+(key\s+)?share|nextval|setval|pg_advisory\w*|pg_terminate_backend|pg_cancel_backend|set_config|lock)\b/i;

/** Plain reads only: a SELECT/WITH/SHOW/VALUES/EXPLAIN without data-changing words or row locks. */
export function isReadOnlyStatement(text: string) {
  return /^\s*(\(\s*)*(select|with|show|values|table|explain)\b/i.test(text) && !WRITE_WORDS.test(text);
}

function operationOf(template: string) {
  const verb = (/^\s*(\w+)/.exec(template)?.[1] ?? 'query').toLowerCase();
  const table =
    /\b(?:from|into|update|join)\s+(?:"?(\w+)"?\.)?"?(\w+)"?/i.exec(template)?.[2] ??
    /^\s*\w+\s+(?:\w+\s+)?"?(\w+)"?/i.exec(template)?.[1];
  return table && verb !== 'select' && verb !== 'with' ? `${verb} ${table}` : table ? `select ${table}` : verb;
}

const templateCache = new Map<string, QueryTemplate>();

/** Template of a statement, cached by its text (Drizzle's texts are already parameterised, so few distinct). */
export function templateOf(text: string): QueryTemplate {
  const cached = templateCache.get(text);
  if (cached) return cached;
  const template = normalizeQuery(text).slice(0, 2000);
  const info: QueryTemplate = {
    template,
    hash: createHash('sha1').update(template).digest('hex').slice(0, 16),
    operation: operationOf(template),
    readOnly: isReadOnlyStatement(text),
  };
  if (templateCache.size >= 5000) templateCache.clear();
  templateCache.set(text, info);
  return info;
}

// ---------------------------------------------------------------------------------------------- windows

/** Fixed-size ring of the last N numbers. */
export class RollingWindow {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;
  constructor(readonly size = WINDOW_SIZE) {
    this.values = new Float64Array(size);
  }
  push(v: number) {
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
  get count() {
    return this.filled;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.filled).sort();
  }
  summary(): WindowSummary {
    const s = this.sorted();
    if (s.length === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
    let sum = 0;
    for (const v of s) sum += v;
    return {
      count: s.length,
      mean: sum / s.length,
      p50: percentileOf(s, 0.5),
      p95: percentileOf(s, 0.95),
      p99: percentileOf(s, 0.99),
      max: s[s.length - 1],
    };
  }
}

export type WindowSummary = {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
};

/** Nearest-rank percentile of an ascending array. */
export function percentileOf(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

// ---------------------------------------------------------------------------------------------- callers

const INTERNAL_FRAME = /node_modules|node:internal|[\\/]lib[\\/](db[\\/](client|retry)|observability[\\/](monitor|instrument))\.ts|^\s*at (new )?Promise|<anonymous>/;

/** The first stack frame outside the driver, Drizzle and this data layer: where the query came from. */
export function callerOf(stack: string | undefined): string | null {
  if (!stack) return null;
  const frames = stack.split('\n').slice(1);
  const frame = frames.find((f) => !INTERNAL_FRAME.test(f)) ?? frames.find((f) => !/node:internal/.test(f));
  return frame ? frame.trim().replace(/^at /, '').replace(process.cwd() + '/', '') : null;
}

/** A frame in Next's built output names a minified chunk (`a (.next/server/chunks/ssr/x_1f2e._.js:1:2345)`). */
const BUILT_FRAME = /[\\/]?\.next[\\/]|\[root-of-the-server\]|\._\.js/;

type Sighting = Error & { route?: string };

/**
 * Remembers which page or route handler was running when `err` was made (Next's request store, read in the
 * same async context as the query). Built code has no source file names to show, the route does.
 */
function noteRoute(err: Error | undefined): Error | undefined {
  if (!err) return err;
  const route = workAsyncStorage.getStore()?.route;
  if (route) (err as Sighting).route = route;
  return err;
}

/** "Where did this come from" for the Database page: the source frame, or the route when the frame is minified. */
export function sightingOf(err: Error | null | undefined): string | null {
  if (!err) return null;
  const route = (err as Sighting).route;
  const frame = callerOf(err.stack);
  if (frame && !BUILT_FRAME.test(frame)) return route ? `${frame} · ${route}` : frame;
  if (route) return route.startsWith('/api/') ? `route handler ${route}` : `page ${route}`;
  return frame ? 'a background job (built code: no source names)' : null;
}

// ---------------------------------------------------------------------------------------------- monitor

type TemplateStats = {
  info: QueryTemplate;
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  window: RollingWindow;
  /** Where the template was first seen (an Error whose stack is formatted only when someone asks). */
  firstSeen: Error | null;
};

export type TemplateSummary = {
  hash: string;
  template: string;
  operation: string;
  count: number;
  errors: number;
  meanMs: number;
  p95Ms: number | null;
  maxMs: number;
  totalMs: number;
  caller: string | null;
};

export type SlowQuery = {
  at: string;
  hash: string;
  template: string;
  durationMs: number;
  error: boolean;
  caller: string | null;
};

export type HeldConnection = {
  id: number;
  kind: 'transaction' | 'reserved';
  heldMs: number;
  openedAt: string;
  /** Stack where it was opened. */
  openedBy: string | null;
};

export type HealthVerdict = { status: 'healthy' | 'degraded' | 'unhealthy'; reasons: string[] };

export type PoolSnapshot = {
  driver: 'pglite' | 'postgres';
  label: string;
  poolSize: number;
  inFlight: number;
  waiting: number;
  utilisation: number;
  maxWaitingSeen: number;
  acquireTimeoutMs: number;
  acquireTimeouts: number;
  acquireWaitMs: WindowSummary;
  queryMs: WindowSummary;
  queries: number;
  errors: number;
  /** Errors among the last (up to) 1000 queries. */
  windowErrorRate: number;
  slowQueryMs: number;
  slowQueries: number;
  leakThresholdMs: number;
  openTransactions: number;
  suspectedLeaks: HeldConnection[];
  lastAcquireTimeoutAt: string | null;
  startedAt: string;
  health: HealthVerdict;
};

export type MonitorOptions = {
  driver: 'pglite' | 'postgres';
  label: string;
  poolSize: number;
  acquireTimeoutMs: number;
  slowQueryMs: number;
  leakThresholdMs: number;
  instance?: string;
};

type Waiter = {
  resolve: () => void;
  reject: (err: Error) => void;
  since: number;
  done: boolean;
};

type MinuteAgg = {
  minute: number;
  queries: number;
  errors: number;
  slow: number;
  maxWaiting: number;
  maxInFlight: number;
  queryMs: number[];
  acquireMs: number[];
};

export class DbMonitor {
  readonly options: MonitorOptions;
  readonly instance: string;
  private inFlightCount = 0;
  private waiters: Waiter[] = [];
  private waiterHead = 0;
  /** One timer for the oldest live waiter's deadline (waiters queue in order, all with the same timeout). */
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  private maxWaitingSeen = 0;
  private acquireTimeouts = 0;
  private lastAcquireTimeoutAt = 0;
  private acquireWindow = new RollingWindow();
  private queryWindow = new RollingWindow();
  private errorWindow = new Uint8Array(WINDOW_SIZE);
  private errorNext = 0;
  private queries = 0;
  private errors = 0;
  private slowCount = 0;
  private slow: SlowQuery[] = [];
  private templates = new Map<string, TemplateStats>();
  private held = new Map<number, { kind: HeldConnection['kind']; openedAt: number; openedBy: Error }>();
  private heldSeq = 0;
  private minute: MinuteAgg | null = null;
  private finishedMinutes: MinuteAgg[] = [];
  private readonly startedAt = Date.now();

  constructor(options: MonitorOptions) {
    this.options = options;
    this.instance = options.instance ?? `${os.hostname()}:${process.pid}`;
  }

  get inFlight() {
    return this.inFlightCount;
  }

  get waiting() {
    return this.waiters.length - this.waiterHead;
  }

  /**
   * Takes a connection slot. Returns null when one was free (the common, allocation-free path), else a
   * promise that resolves when a slot is handed over or rejects with TimeoutError.
   */
  acquire(): Promise<void> | null {
    if (this.inFlightCount < this.options.poolSize && this.waiting === 0) {
      this.inFlightCount++;
      this.acquireWindow.push(0);
      const m = this.currentMinute();
      if (m.acquireMs.length < 2000) m.acquireMs.push(0);
      if (this.inFlightCount > m.maxInFlight) m.maxInFlight = this.inFlightCount;
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, since: performance.now(), done: false };
      this.waiters.push(waiter);
      if (this.options.acquireTimeoutMs > 0 && !this.expiryTimer) this.armExpiry();
      const waiting = this.waiting;
      if (waiting > this.maxWaitingSeen) this.maxWaitingSeen = waiting;
      const m = this.currentMinute();
      if (waiting > m.maxWaiting) m.maxWaiting = waiting;
    });
  }

  /** Gives the slot back: to the longest-waiting caller if there is one. */
  release() {
    while (this.waiterHead < this.waiters.length) {
      const w = this.waiters[this.waiterHead];
      this.waiters[this.waiterHead++] = undefined as unknown as Waiter;
      if (this.waiterHead > 1024 && this.waiterHead * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.waiterHead);
        this.waiterHead = 0;
      }
      if (w.done) continue;
      w.done = true;
      const waited = performance.now() - w.since;
      this.acquireWindow.push(waited);
      const m = this.currentMinute();
      if (m.acquireMs.length < 2000) m.acquireMs.push(waited);
      w.resolve();
      return;
    }
    if (this.waiterHead > 0) {
      this.waiters = [];
      this.waiterHead = 0;
    }
    if (this.inFlightCount > 0) this.inFlightCount--;
  }

  /**
   * Arms the timer for the oldest live waiter; when it fires, every waiter past its deadline is refused and the
   * timer is armed again for the next. A waiter served before its deadline leaves the timer to fire once for
   * nothing, which is cheaper than a timer per waiting caller (created and cleared on every contended acquire).
   */
  private armExpiry() {
    this.expiryTimer = null;
    const timeout = this.options.acquireTimeoutMs;
    const now = performance.now();
    for (let i = this.waiterHead; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.done) continue;
      const due = w.since + timeout - now;
      if (due > 0) {
        this.expiryTimer = setTimeout(() => this.armExpiry(), Math.ceil(due));
        return;
      }
      this.expire(w);
    }
  }

  private expire(w: Waiter) {
    if (w.done) return;
    w.done = true;
    const waitedMs = performance.now() - w.since;
    this.acquireTimeouts++;
    this.lastAcquireTimeoutAt = Date.now();
    this.acquireWindow.push(waitedMs);
    // `waiting` still counts this waiter (it is removed lazily); report the others plus itself.
    w.reject(
      new TimeoutError({
        poolSize: this.options.poolSize,
        inFlight: this.inFlightCount,
        waiting: this.countLiveWaiters() + 1,
        waitedMs,
      }),
    );
  }

  private countLiveWaiters() {
    let n = 0;
    for (let i = this.waiterHead; i < this.waiters.length; i++) if (!this.waiters[i].done) n++;
    return n;
  }

  /** A finished statement. `startStack` is captured by the caller only for templates not seen before. */
  recordQuery(info: QueryTemplate, durationMs: number, failed: boolean, stack?: Error) {
    const startStack = noteRoute(stack);
    this.queries++;
    this.queryWindow.push(durationMs);
    this.errorWindow[this.errorNext] = failed ? 1 : 0;
    this.errorNext = (this.errorNext + 1) % WINDOW_SIZE;
    const m = this.currentMinute();
    m.queries++;
    if (m.queryMs.length < 2000) m.queryMs.push(durationMs);
    if (failed) {
      this.errors++;
      m.errors++;
    }
    let t = this.templates.get(info.hash);
    if (!t && this.templates.size < MAX_TEMPLATES) {
      t = {
        info,
        count: 0,
        errors: 0,
        totalMs: 0,
        maxMs: 0,
        window: new RollingWindow(),
        firstSeen: startStack ?? null,
      };
      this.templates.set(info.hash, t);
    }
    if (t) {
      t.count++;
      t.totalMs += durationMs;
      if (durationMs > t.maxMs) t.maxMs = durationMs;
      if (failed) t.errors++;
      t.window.push(durationMs);
      if (!t.firstSeen && startStack) t.firstSeen = startStack;
    }
    if (durationMs >= this.options.slowQueryMs) {
      this.slowCount++;
      m.slow++;
      this.slow.push({
        at: new Date().toISOString(),
        hash: info.hash,
        template: info.template,
        durationMs,
        error: failed,
        caller: sightingOf(startStack ?? t?.firstSeen),
      });
      if (this.slow.length > MAX_SLOW) this.slow.shift();
    }
  }

  /** Whether the wrapper should capture a stack for this statement (first sighting of its template). */
  wantsStack(info: QueryTemplate) {
    const t = this.templates.get(info.hash);
    return !t || !t.firstSeen;
  }

  /** `openedBy`: an Error made where the caller asked for the connection (its stack is formatted only on demand). */
  openHeld(kind: HeldConnection['kind'], openedBy: Error = new Error('opened here')): number {
    const id = ++this.heldSeq;
    this.held.set(id, { kind, openedAt: Date.now(), openedBy: noteRoute(openedBy) ?? openedBy });
    return id;
  }

  closeHeld(id: number) {
    this.held.delete(id);
  }

  heldConnections(): HeldConnection[] {
    const now = Date.now();
    return [...this.held].map(([id, h]) => ({
      id,
      kind: h.kind,
      heldMs: now - h.openedAt,
      openedAt: new Date(h.openedAt).toISOString(),
      openedBy: sightingOf(h.openedBy),
    }));
  }

  suspectedLeaks(): HeldConnection[] {
    return this.heldConnections()
      .filter((h) => h.heldMs >= this.options.leakThresholdMs)
      .map((h) => ({ ...h, openedBy: this.held.get(h.id)?.openedBy.stack?.split('\n').slice(1, 8).join('\n') ?? null }))
      .sort((a, b) => b.heldMs - a.heldMs);
  }

  topTemplates(options: { limit?: number; orderBy?: 'total' | 'mean' | 'p95' | 'count' | 'errors' } = {}) {
    const limit = options.limit ?? 20;
    const orderBy = options.orderBy ?? 'total';
    const rows: TemplateSummary[] = [...this.templates.values()].map((t) => ({
      hash: t.info.hash,
      template: t.info.template,
      operation: t.info.operation,
      count: t.count,
      errors: t.errors,
      meanMs: t.count ? t.totalMs / t.count : 0,
      p95Ms: percentileOf(t.window.sorted(), 0.95),
      maxMs: t.maxMs,
      totalMs: t.totalMs,
      caller: sightingOf(t.firstSeen),
    }));
    const key: Record<typeof orderBy, (r: TemplateSummary) => number> = {
      total: (r) => r.totalMs,
      mean: (r) => r.meanMs,
      p95: (r) => r.p95Ms ?? 0,
      count: (r) => r.count,
      errors: (r) => r.errors,
    };
    return rows.sort((a, b) => key[orderBy](b) - key[orderBy](a)).slice(0, limit);
  }

  slowQueries(limit = 50): SlowQuery[] {
    return this.slow.slice(-limit).reverse();
  }

  snapshot(): PoolSnapshot {
    const poolSize = this.options.poolSize;
    let windowErrors = 0;
    const windowCount = Math.min(this.queries, WINDOW_SIZE);
    for (let i = 0; i < windowCount; i++) windowErrors += this.errorWindow[i];
    const base = {
      driver: this.options.driver,
      label: this.options.label,
      poolSize,
      inFlight: this.inFlightCount,
      waiting: this.countLiveWaiters(),
      utilisation: poolSize ? this.inFlightCount / poolSize : 0,
      maxWaitingSeen: this.maxWaitingSeen,
      acquireTimeoutMs: this.options.acquireTimeoutMs,
      acquireTimeouts: this.acquireTimeouts,
      acquireWaitMs: this.acquireWindow.summary(),
      queryMs: this.queryWindow.summary(),
      queries: this.queries,
      errors: this.errors,
      windowErrorRate: windowCount ? windowErrors / windowCount : 0,
      slowQueryMs: this.options.slowQueryMs,
      slowQueries: this.slowCount,
      leakThresholdMs: this.options.leakThresholdMs,
      openTransactions: this.held.size,
      suspectedLeaks: this.suspectedLeaks(),
      lastAcquireTimeoutAt: this.lastAcquireTimeoutAt ? new Date(this.lastAcquireTimeoutAt).toISOString() : null,
      startedAt: new Date(this.startedAt).toISOString(),
    };
    return { ...base, health: verdict(base) };
  }

  // ------------------------------------------------------------------------------------- per-minute roll-up

  private currentMinute(): MinuteAgg {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    if (this.minute && this.minute.minute === minute) return this.minute;
    if (this.minute) {
      this.finishedMinutes.push(this.minute);
      if (this.finishedMinutes.length > 120) this.finishedMinutes.shift();
    }
    this.minute = {
      minute,
      queries: 0,
      errors: 0,
      slow: 0,
      maxWaiting: this.waiting,
      maxInFlight: this.inFlightCount,
      queryMs: [],
      acquireMs: [],
    };
    return this.minute;
  }

  /**
   * Writes finished minutes (and, with `includeCurrent`, the minute in progress, as at shut-down) to
   * db_monitor_minutes. Never throws; unwritten minutes are kept for the next try.
   */
  async flush(db: Db, options: { includeCurrent?: boolean } = {}) {
    const rows = [...this.finishedMinutes];
    this.finishedMinutes = [];
    if (options.includeCurrent && this.minute && this.minute.queries > 0) {
      rows.push(this.minute);
      this.minute = null;
    }
    if (rows.length === 0) return { ok: true as const, rows: 0 };
    try {
      const values = sql.join(
        rows.map((r) => {
          const q = Float64Array.from(r.queryMs).sort();
          const a = Float64Array.from(r.acquireMs).sort();
          return sql`(to_timestamp(${r.minute / 1000}), ${this.instance}, ${r.queries}, ${r.errors}, ${r.slow},
            ${percentileOf(q, 0.5)}::float8, ${percentileOf(q, 0.95)}::float8, ${percentileOf(a, 0.95)}::float8,
            ${r.maxWaiting}, ${r.maxInFlight}, ${this.options.poolSize})`;
        }),
        sql`, `,
      );
      await db.execute(sql`
        INSERT INTO db_monitor_minutes (minute, instance, queries, errors, slow_queries, query_p50_ms,
          query_p95_ms, acquire_p95_ms, max_waiting, max_in_flight, pool_size)
        VALUES ${values}
        ON CONFLICT (minute, instance) DO UPDATE SET
          queries = db_monitor_minutes.queries + excluded.queries,
          errors = db_monitor_minutes.errors + excluded.errors,
          slow_queries = db_monitor_minutes.slow_queries + excluded.slow_queries,
          query_p50_ms = GREATEST(db_monitor_minutes.query_p50_ms, excluded.query_p50_ms),
          query_p95_ms = GREATEST(db_monitor_minutes.query_p95_ms, excluded.query_p95_ms),
          acquire_p95_ms = GREATEST(db_monitor_minutes.acquire_p95_ms, excluded.acquire_p95_ms),
          max_waiting = GREATEST(db_monitor_minutes.max_waiting, excluded.max_waiting),
          max_in_flight = GREATEST(db_monitor_minutes.max_in_flight, excluded.max_in_flight),
          pool_size = excluded.pool_size`);
      return { ok: true as const, rows: rows.length };
    } catch (err) {
      this.finishedMinutes = [...rows.filter((r) => r !== this.minute), ...this.finishedMinutes].slice(-120);
      return { ok: false as const, error: err instanceof Error ? err.message : String(err) };
    }
  }
}

/**
 * How long one acquisition timeout keeps the verdict unhealthy. Long enough for a load balancer polling every
 * few seconds to see it, short enough that a brief stall does not take the instance out of rotation for a
 * minute (the fault soak showed 60 s turning a 20 s stall into 100 s of 503s).
 */
export const RECENT_ACQUIRE_TIMEOUT_MS = 15_000;

/** Rules of the health verdict; each failed rule adds its reason. */
export function verdict(s: Omit<PoolSnapshot, 'health'>): HealthVerdict {
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  const recentTimeout =
    s.lastAcquireTimeoutAt && Date.now() - Date.parse(s.lastAcquireTimeoutAt) < RECENT_ACQUIRE_TIMEOUT_MS;
  if (recentTimeout) unhealthy.push(`a caller timed out waiting for a connection in the last ${RECENT_ACQUIRE_TIMEOUT_MS / 1000} s`);
  if (s.windowErrorRate >= 0.5 && s.queryMs.count >= 10)
    unhealthy.push(`${Math.round(s.windowErrorRate * 100)} % of recent queries failed`);
  else if (s.windowErrorRate >= 0.05 && s.queryMs.count >= 20)
    degraded.push(`${Math.round(s.windowErrorRate * 100)} % of recent queries failed`);
  if (s.waiting > s.poolSize) unhealthy.push(`${s.waiting} callers waiting for ${s.poolSize} connections`);
  else if (s.waiting > 0) degraded.push(`${s.waiting} callers waiting for a connection`);
  if (s.utilisation >= 0.8 && s.waiting === 0) degraded.push(`pool ${Math.round(s.utilisation * 100)} % in use`);
  if ((s.acquireWaitMs.p95 ?? 0) > 100) degraded.push(`acquisition wait p95 ${Math.round(s.acquireWaitMs.p95!)} ms`);
  if (s.suspectedLeaks.length > 0)
    degraded.push(`${s.suspectedLeaks.length} connection(s) held longer than ${s.leakThresholdMs} ms`);
  if ((s.queryMs.p95 ?? 0) > s.slowQueryMs) degraded.push(`query p95 above the slow-query threshold`);
  if (unhealthy.length) return { status: 'unhealthy', reasons: [...unhealthy, ...degraded] };
  if (degraded.length) return { status: 'degraded', reasons: degraded };
  return { status: 'healthy', reasons: [] };
}
