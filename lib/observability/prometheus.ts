import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { getDbHandle } from '@/lib/db/client';
import { replicaStatuses } from '@/lib/db/replica';
import { retryRecorder } from '@/lib/db/retry';
import { monitorOf } from './install';

/**
 * Prometheus exposition of the monitor and retry counters. Values are read from the live snapshot at scrape
 * time (gauges with a collect callback), so nothing is double-counted and the hot path stays untouched.
 * Counters that only grow are exposed as gauges named *_total; Prometheus' rate() works on them alike.
 */
const globalForProm = globalThis as unknown as { __flightdeckProm?: Registry };

export function metricsRegistry(): Registry {
  if (globalForProm.__flightdeckProm) return globalForProm.__flightdeckProm;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flightdeck_' });

  const snapshot = async () => monitorOf(await getDbHandle()).snapshot();
  const gauge = (name: string, help: string, read: (g: Gauge) => Promise<void> | void, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        try {
          await read(this);
        } catch {
          // a scrape never fails because the database is down; the gauges just keep their last values
        }
      },
    });

  gauge('flightdeck_db_pool_size', 'Connections in the pool', async (g) => g.set((await snapshot()).poolSize));
  gauge('flightdeck_db_in_flight', 'Connections in use', async (g) => g.set((await snapshot()).inFlight));
  gauge('flightdeck_db_waiting', 'Callers waiting for a connection', async (g) => g.set((await snapshot()).waiting));
  gauge('flightdeck_db_acquire_timeouts_total', 'Callers that timed out waiting for a connection', async (g) =>
    g.set((await snapshot()).acquireTimeouts),
  );
  gauge('flightdeck_db_queries_total', 'Statements run', async (g) => g.set((await snapshot()).queries));
  gauge('flightdeck_db_query_errors_total', 'Statements that failed', async (g) => g.set((await snapshot()).errors));
  gauge('flightdeck_db_slow_queries_total', 'Statements slower than DB_SLOW_QUERY_MS', async (g) =>
    g.set((await snapshot()).slowQueries),
  );
  gauge('flightdeck_db_suspected_leaks', 'Transactions or reserved connections held too long', async (g) =>
    g.set((await snapshot()).suspectedLeaks.length),
  );
  gauge(
    'flightdeck_db_query_duration_ms',
    'Statement duration over the last 1000 statements',
    async (g) => {
      const s = (await snapshot()).queryMs;
      for (const [q, v] of [['0.5', s.p50], ['0.95', s.p95], ['0.99', s.p99]] as const) {
        if (v !== null) g.set({ quantile: q }, v);
      }
    },
    ['quantile'],
  );
  gauge(
    'flightdeck_db_acquire_wait_ms',
    'Wait for a connection over the last 1000 acquisitions',
    async (g) => {
      const s = (await snapshot()).acquireWaitMs;
      for (const [q, v] of [['0.5', s.p50], ['0.95', s.p95], ['0.99', s.p99]] as const) {
        if (v !== null) g.set({ quantile: q }, v);
      }
    },
    ['quantile'],
  );
  gauge(
    'flightdeck_db_health',
    '1 for the current pool verdict (healthy, degraded, unhealthy)',
    async (g) => {
      const status = (await snapshot()).health.status;
      for (const s of ['healthy', 'degraded', 'unhealthy']) g.set({ status: s }, s === status ? 1 : 0);
    },
    ['status'],
  );
  gauge(
    'flightdeck_db_replica_lag_seconds',
    'Seconds each read replica is behind the primary (-1: unknown, e.g. down)',
    async (g) => {
      for (const r of await replicaStatuses()) g.set({ replica: r.label }, r.lagS ?? -1);
    },
    ['replica'],
  );
  gauge(
    'flightdeck_db_replica_state',
    '1 for each read replica\'s current state (ok: in use; lagging or down: skipped, reads on the primary)',
    async (g) => {
      for (const r of await replicaStatuses()) {
        for (const s of ['ok', 'lagging', 'down']) g.set({ replica: r.label, state: s }, s === r.state ? 1 : 0);
      }
    },
    ['replica', 'state'],
  );
  gauge(
    'flightdeck_db_retries_total',
    'Retries by error class (this process)',
    (g) => {
      for (const [errorClass, c] of Object.entries(retryRecorder().stats().byErrorClass)) {
        g.set({ error_class: errorClass }, c.retries);
      }
    },
    ['error_class'],
  );
  gauge(
    'flightdeck_db_failed_operations_total',
    'Operations that ended in an error, by error class (this process)',
    (g) => {
      for (const [errorClass, c] of Object.entries(retryRecorder().stats().byErrorClass)) {
        g.set({ error_class: errorClass }, c.failed);
      }
    },
    ['error_class'],
  );
  gauge('flightdeck_db_retry_success_rate', 'Share of retried operations that succeeded in the end', (g) => {
    const rate = retryRecorder().stats().retrySuccessRate;
    if (rate !== null) g.set(rate);
  });

  globalForProm.__flightdeckProm = registry;
  return registry;
}
