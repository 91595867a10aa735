'use client';
import { Bar, Line, YAxis } from 'recharts';
import { axisStyle, formatMsValue } from './chart-axis';
import { TimeChart } from './time-chart';

export type PoolWaitPoint = { t: number; acquireP95Ms: number | null; maxWaiting: number | null };

/** Acquisition wait p95 (line, left axis) and the most callers seen waiting (bars, right axis) per bucket. */
export function PoolWaitChart({ data, spanMinutes, height = 220 }: { data: PoolWaitPoint[]; spanMinutes: number; height?: number }) {
  return (
    <TimeChart
      data={data}
      spanMinutes={spanMinutes}
      height={height}
      tooltipFormatter={(v, name) => (name === 'Acquire wait p95' ? formatMsValue(v as number) : String(v ?? '—'))}
    >
      <YAxis yAxisId="ms" tick={axisStyle} width={64} tickFormatter={(v: number) => formatMsValue(v)} />
      <YAxis yAxisId="n" orientation="right" tick={axisStyle} width={32} allowDecimals={false} />
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
    </TimeChart>
  );
}
