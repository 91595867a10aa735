import type { Db } from '@/lib/db/client';
import { rankTools, type RankedTool } from '@/lib/tools/preference';
import { listRecentToolFailures, listToolStatistics, type ToolFailure, type ToolStatistics } from '@/lib/tools/stats';
import {
  listInterventionsByType,
  listRecoveriesByStatus,
  listRetries,
  listToolSuccessTrend,
  listTopFailingTools,
  pauseTypeOrder,
  type FailingTool,
  type InterventionsPoint,
  type RecoveriesPoint,
  type RetriesPoint,
  type ToolTrendPoint,
} from '@/lib/analytics/queries';
import type { TimeRange } from '@/lib/analytics/range';
import { rollupRows } from '@/lib/analytics/rollups';
import { getTimeToFirstHumanAction, listUsageByProject, type FirstActionStats, type UsageSeries } from '@/lib/analytics/usage';

/**
 * Every chart's data once: the card draws it and shows it as a table, the CSV download (route
 * app/(console)/overview/export/[chart], through lib/csv.ts) writes the same table. Cells are raw values (rates
 * 0–1, ms, s); times are ISO 8601 UTC strings.
 */
export type Cell = string | number | null;
export type TableData = { columns: string[]; rows: Cell[][] };
export type ChartParams = { range: TimeRange; userId?: string; tool?: string };

type ChartDef<T> = {
  title: string;
  load: (db: Db, p: ChartParams) => Promise<T>;
  table: (data: T) => TableData;
};

const def = <T>(d: ChartDef<T>) => d;
const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

export const charts = {
  interventions: def<InterventionsPoint[]>({
    title: 'Interventions by pause type',
    load: (db, p) => listInterventionsByType(db, p.range),
    table: (d) => ({
      columns: ['bucket', ...pauseTypeOrder, 'total'],
      rows: d.map((x) => [x.bucket, ...pauseTypeOrder.map((t) => x[t]), pauseTypeOrder.reduce((a, t) => a + x[t], 0)]),
    }),
  }),
  recoveries: def<RecoveriesPoint[]>({
    title: 'Recoveries by status',
    load: (db, p) => listRecoveriesByStatus(db, p.range),
    table: (d) => ({
      columns: ['bucket', 'succeeded', 'failed', 'abandoned', 'in_progress', 'success_rate'],
      rows: d.map((x) => [x.bucket, x.succeeded, x.failed, x.abandoned, x.in_progress, r4(x.success_rate)]),
    }),
  }),
  retries: def<RetriesPoint[]>({
    title: 'Database retries',
    load: (db, p) => listRetries(db, p.range),
    table: (d) => ({
      columns: ['bucket', 'retries', 'recovered', 'failed', 'success_rate'],
      rows: d.map((x) => [x.bucket, x.retries, x.recovered, x.failed, r4(x.success_rate)]),
    }),
  }),
  'tool-trend': def<ToolTrendPoint[]>({
    title: 'Tool success trend',
    load: (db, p) => listToolSuccessTrend(db, p.range),
    table: (d) => ({
      columns: ['bucket', 'executions', 'failures', 'success_rate'],
      rows: d.map((x) => [x.bucket, x.executions, x.failures, r4(x.success_rate)]),
    }),
  }),
  'failing-tools': def<FailingTool[]>({
    title: 'Top failing tools',
    load: (db, p) => listTopFailingTools(db, p.range),
    table: (d) => ({
      columns: ['tool', 'failures', 'executions', 'failure_rate'],
      rows: d.map((x) => [x.tool, x.failures, x.executions, r4(x.failure_rate)]),
    }),
  }),
  'usage-cost': def<UsageSeries>({
    title: 'Cost per project (USD)',
    load: (db, p) => loadUsage(db, p.range),
    table: (d) => usageTable(d, 'cost'),
  }),
  'usage-tokens': def<UsageSeries>({
    title: 'Tokens per project',
    load: (db, p) => loadUsage(db, p.range),
    table: (d) => usageTable(d, 'tokens'),
  }),
  'first-action': def<FirstActionStats>({
    title: 'Time to first human action',
    load: (db, p) => getTimeToFirstHumanAction(db, p.range),
    table: (d) => ({ columns: ['pauses', 'acted_on', 'p50_s', 'p95_s'], rows: [[d.pauses, d.acted, r4(d.p50S), r4(d.p95S)]] }),
  }),
  'tool-stats': def<ToolStatistics[]>({
    title: 'Tool statistics',
    load: (db, p) => listToolStatistics(db, p.range),
    table: (d) => ({
      columns: ['tool', 'executions', 'success_rate', 'p50_ms', 'p95_ms', 'mean_ms', 'satisfaction'],
      rows: d.map((x) => [x.tool, x.executions, r4(x.successRate), r4(x.p50Ms), r4(x.p95Ms), r4(x.meanMs), r4(x.satisfaction)]),
    }),
  }),
  preference: def<RankedTool[]>({
    title: 'Preferred tools',
    load: (db, p) => (p.userId ? rankTools({ db, userId: p.userId, strategy: 'mean' }) : Promise.resolve([])),
    table: (d) => ({
      columns: ['rank', 'tool', 'score', 'mean', 'lower_90', 'upper_90', 'weighted_runs', 'weighted_successes', 'satisfaction'],
      rows: d.map((x, i) => [i + 1, x.tool, r4(x.score), r4(x.mean), r4(x.lower), r4(x.upper), r4(x.runs), r4(x.successes), r4(x.satisfaction)]),
    }),
  }),
  failures: def<ToolFailure[]>({
    title: 'Recent tool failures',
    load: async (db, p) =>
      (await listRecentToolFailures(db, { range: p.range, tool: p.tool, userId: p.userId, limit: 200 })).items,
    table: (d) => ({
      columns: ['created_at', 'tool', 'user_id', 'execution_time_ms', 'error_message', 'session_id'],
      rows: d.map((x) => [x.createdAt, x.toolName, x.userId, x.executionTimeMs, x.errorMessage, x.sessionId]),
    }),
  }),
};

function loadUsage(db: Db, range: TimeRange) {
  return listUsageByProject(db, range, rollupRows('usage', { from: range.from, to: range.to, hourly: range.bucket === 'hour' }));
}

function usageTable(d: UsageSeries, key: 'cost' | 'tokens'): TableData {
  return {
    columns: ['bucket', ...d.projects, 'total'],
    rows: d.points.map((x) => [x.bucket, ...d.projects.map((p) => r4(x[key][p])), r4(d.projects.reduce((a, p) => a + x[key][p], 0))]),
  };
}

export type ChartId = keyof typeof charts;

export function isChartId(id: string): id is ChartId {
  return Object.prototype.hasOwnProperty.call(charts, id);
}

export async function loadChartTable(db: Db, id: ChartId, p: ChartParams): Promise<TableData> {
  const c = charts[id] as ChartDef<unknown>;
  return c.table(await c.load(db, p));
}
