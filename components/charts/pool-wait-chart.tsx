'use client';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisStyle, formatMsValue, formatTick, formatTooltipTime } from './chart-axis';

export type PoolWaitPoint = { t: number; acquireP95Ms: number | null; maxWaiting: number | null };

/** Acquisition wait p95 (line, left axis) and the most callers seen waiting (bars, right axis) per bucket. */
export function PoolWaitChart({ data, spanMinutes, height = 220 }: { data: PoolWaitPoint[]; spanMinutes: number; height?: number }) {
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
        <YAxis yAxisId="n" orientation="right" tick={axisStyle} width={32} allowDecimals={false} />
        <Tooltip
          labelFormatter={formatTooltipTime}
          formatter={(v, name) => (name === 'Acquire wait p95' ? formatMsValue(v as number) : String(v ?? '—'))}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar yAxisId="n" dataKey="maxWaiting" name="Max waiting" fill="#fcd34d" isAnimationActive={false} />
        <Line
          yAxisId="ms"
          dataKey="acquireP95Ms"
          name="Acquire wait p95"
          stroke="#4f46e5"
          strokeWidth={2}
          dot={false}
          connectNulls={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
