import os from 'node:os';
import type { Db } from '@/lib/db/client';
import { TimeoutError } from '@/lib/db/errors';
import { noteRoute, sightingOf } from './caller';
import { MinuteRollup } from './minutes';
import type { QueryTemplate } from './query-template';
import { percentileOf, RollingWindow, WINDOW_SIZE } from './rolling-window';
import { verdict, type HeldConnection, type MonitorOptions, type PoolSnapshot, type SlowQuery, type TemplateSummary } from './snapshot';

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

const MAX_TEMPLATES = 1000;
const MAX_SLOW = 100;

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

type Waiter = {
  resolve: () => void;
  reject: (err: Error) => void;
  since: number;
  done: boolean;
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
  private readonly minutes: MinuteRollup;
  private readonly startedAt = Date.now();

  constructor(options: MonitorOptions) {
    this.options = options;
    this.instance = options.instance ?? `${os.hostname()}:${process.pid}`;
    this.minutes = new MinuteRollup(this.instance, options.poolSize);
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

  private currentMinute() {
    return this.minutes.current({ waiting: this.waiting, inFlight: this.inFlightCount });
  }

  /**
   * Writes finished minutes (and, with `includeCurrent`, the minute in progress, as at shut-down) to
   * db_monitor_minutes. Never throws; unwritten minutes are kept for the next try.
   */
  flush(db: Db, options: { includeCurrent?: boolean } = {}) {
    return this.minutes.flush(db, options);
  }
}
