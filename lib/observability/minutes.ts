import { sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { percentileOf } from './rolling-window';

export type MinuteAgg = {
  minute: number;
  queries: number;
  errors: number;
  slow: number;
  maxWaiting: number;
  maxInFlight: number;
  queryMs: number[];
  acquireMs: number[];
};

/**
 * The pool monitor's per-minute roll-up: the minute in progress and up to 120 finished ones waiting to be written
 * to db_monitor_minutes (one row per minute and instance).
 */
export class MinuteRollup {
  private minute: MinuteAgg | null = null;
  private finishedMinutes: MinuteAgg[] = [];

  constructor(
    private readonly instance: string,
    private readonly poolSize: number,
  ) {}

  /** The minute in progress; `now` gives the waiting and in-flight counts a new minute starts from. */
  current(now: { waiting: number; inFlight: number }): MinuteAgg {
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
      maxWaiting: now.waiting,
      maxInFlight: now.inFlight,
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
            ${r.maxWaiting}, ${r.maxInFlight}, ${this.poolSize})`;
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
