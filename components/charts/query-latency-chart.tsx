'use client';
import { Bar, Line, YAxis } from 'recharts';
import { axisStyle, formatMsValue } from './chart-axis';
import { TimeChart } from './time-chart';

export type QueryLatencyPoint = {
  t: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
  queries: number | null;
  errors: number | null;
};

const msSeries = new Set(['p50', 'p95']);

/** Query latency p50/p95 (lines, left axis) over statements and errors per bucket (bars, right axis). */
export function QueryLatencyChart({ data, spanMinutes, height = 220 }: { data: QueryLatencyPoint[]; spanMinutes: number; height?: number }) {
  return (
    <TimeChart
      data={data}
      spanMinutes={spanMinutes}
      height={height}
      tooltipFormatter={(v, name) => (msSeries.has(name) ? formatMsValue(v as number) : String(v ?? '—'))}
    >
      <YAxis yAxisId="ms" tick={axisStyle} width={64} tickFormatter={(v: number) => formatMsValue(v)} />
      <YAxis yAxisId="n" orientation="right" tick={axisStyle} width={44} allowDecimals={false} />
      <Bar yAxisId="n" dataKey="queries" name="Queries" stackId="q" fill="#cbd5e1" isAnimationActive={false} />
      <Bar yAxisId="n" dataKey="errors" name="Errors" stackId="q" fill="#f87171" isAnimationActive={false} />
      <Line yAxisId="ms" dataKey="queryP50Ms" name="p50" stroke="#0ea5e9" strokeWidth={2} dot={false} isAnimationActive={false} />
      <Line yAxisId="ms" dataKey="queryP95Ms" name="p95" stroke="#4f46e5" strokeWidth={2} dot={false} isAnimationActive={false} />
    </TimeChart>
  );
}
