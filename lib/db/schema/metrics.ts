import { bigint, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * What the data layer's retry wrapper saw, rolled up per minute and per (operation, error class),
 * so the Database page's retry charts span processes and restarts. Several instances add into the same
 * row with INSERT … ON CONFLICT DO UPDATE.
 */
export const dbRetryLog = pgTable(
  'db_retry_log',
  {
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    operation: text('operation').notNull(),
    errorClass: text('error_class').notNull(),
    retries: integer('retries').notNull().default(0),
    // Operations that succeeded after at least one retry.
    recovered: integer('recovered').notNull().default(0),
    // Operations that gave up (attempts exhausted, permanent or ambiguous error).
    failed: integer('failed').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'db_retry_log_pkey', columns: [t.minute, t.operation, t.errorClass] }),
    index('idx_db_retry_log_minute').on(t.minute.desc()),
  ],
);

/** Per-minute roll-up of the query monitor: pool and latency figures for the Database page's charts. */
export const dbMonitorMinutes = pgTable(
  'db_monitor_minutes',
  {
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    instance: text('instance').notNull(),
    queries: bigint('queries', { mode: 'number' }).notNull().default(0),
    errors: bigint('errors', { mode: 'number' }).notNull().default(0),
    slowQueries: integer('slow_queries').notNull().default(0),
    queryP50Ms: doublePrecision('query_p50_ms'),
    queryP95Ms: doublePrecision('query_p95_ms'),
    acquireP95Ms: doublePrecision('acquire_p95_ms'),
    maxWaiting: integer('max_waiting').notNull().default(0),
    maxInFlight: integer('max_in_flight').notNull().default(0),
    poolSize: integer('pool_size').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'db_monitor_minutes_pkey', columns: [t.minute, t.instance] })],
);

export type DbRetryLogRow = typeof dbRetryLog.$inferSelect;
