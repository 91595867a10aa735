'use client';
import { Bar, YAxis } from 'recharts';
import { axisStyle } from './chart-axis';
import { TimeChart } from './time-chart';

const palette = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7', '#64748b', '#ec4899'];

/** Retries per bucket, stacked by error class. `series` are the keys of each point other than `t`. */
export function RetryTrendChart({
  data,
  series,
  spanMinutes,
  height = 220,
}: {
  data: ({ t: number } & Record<string, number | null>)[];
  series: string[];
  spanMinutes: number;
  height?: number;
}) {
  return (
    <TimeChart data={data} spanMinutes={spanMinutes} height={height}>
      <YAxis tick={axisStyle} width={32} allowDecimals={false} />
      {series.map((s, i) => (
        <Bar key={s} dataKey={s} name={s.replace(/_/g, ' ')} stackId="r" fill={palette[i % palette.length]} isAnimationActive={false} />
      ))}
    </TimeChart>
  );
}
