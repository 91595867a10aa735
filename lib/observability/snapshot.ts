import type { WindowSummary } from './rolling-window';

/** What the pool monitor reports (DbMonitor.snapshot and friends) and the health verdict drawn from it. */

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
