'use client';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisStyle, formatMsValue, formatTick, formatTooltipTime } from './chart-axis';

export type QueryLatencyPoint = {
  t: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
  queries: number | null;
  errors: number | null;
};

const msSeries = new Set(['p50', 'p95']);

/** Query latency p50/p95 (lines, left axis) over statements and errors per bucket (bars, right axis). */
export function QueryLatencyChart({
  data,
  spanMinutes,
  height = 220,
}: {
  data: QueryLatencyPoint[];
  spanMinutes: number;
  height?: number;
}) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={(t: number) => formatTick(t, spanMinutes)}
          tick={axisStyle}
          minTickGap={40}
        />
        <YAxis yAxisId="ms" tick={axisStyle} width={64} tickFormatter={(v: number) => formatMsValue(v)} />
        <YAxis yAxisId="n" orientation="right" tick={axisStyle} width={44} allowDecimals={false} />
        <Tooltip
          labelFormatter={formatTooltipTime}
          formatter={(v, name) => (msSeries.has(String(name)) ? formatMsValue(v as number) : String(v ?? '—'))}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar yAxisId="n" dataKey="queries" name="Queries" stackId="q" fill="#cbd5e1" isAnimationActive={false} />
        <Bar yAxisId="n" dataKey="errors" name="Errors" stackId="q" fill="#f87171" isAnimationActive={false} />
        <Line yAxisId="ms" dataKey="queryP50Ms" name="p50" stroke="#0ea5e9" strokeWidth={2} dot={false} isAnimationActive={false} />
        <Line yAxisId="ms" dataKey="queryP95Ms" name="p95" stroke="#4f46e5" strokeWidth={2} dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
