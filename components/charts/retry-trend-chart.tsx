'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisStyle, formatTick, formatTooltipTime } from './chart-axis';

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
    <ResponsiveContainer width="100%" height={height}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
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
        <YAxis tick={axisStyle} width={32} allowDecimals={false} />
        <Tooltip labelFormatter={formatTooltipTime} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s, i) => (
          <Bar key={s} dataKey={s} name={s.replace(/_/g, ' ')} stackId="r" fill={palette[i % palette.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
