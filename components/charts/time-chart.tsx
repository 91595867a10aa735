'use client';
import type { ReactNode } from 'react';
import { CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import { axisStyle, formatTick, formatTooltipTime } from './chart-axis';

type TooltipFormatter = (value: unknown, name: string) => string;

/**
 * The scaffold of every time-series chart over a range: points keyed by `t` (epoch ms) on a UTC time axis, a
 * tooltip that names the bucket in UTC, a legend. The axes on the value side and the series are the children
 * (<YAxis>, <Bar>, <Line>).
 */
export function TimeChart<P extends { t: number }>({
  data,
  spanMinutes,
  height = 220,
  tooltipFormatter,
  children,
}: {
  data: P[];
  spanMinutes: number;
  height?: number;
  tooltipFormatter?: TooltipFormatter;
  children: ReactNode;
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
        <Tooltip
          labelFormatter={formatTooltipTime}
          formatter={tooltipFormatter ? (v, name) => tooltipFormatter(v, String(name)) : undefined}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {children}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
