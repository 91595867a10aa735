'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, palette, pct } from './format';

export type FailingToolsPoint = { tool: string; failures: number; executions: number; failure_rate: number };

/** Failed executions per tool, most first. */
export default function FailingToolsChart({ data }: { data: FailingToolsPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" allowDecimals={false} fontSize={11} />
        <YAxis type="category" dataKey="tool" width={120} fontSize={11} interval={0} />
        <Tooltip
          formatter={(v, _n, item) => {
            const p = (item as { payload?: FailingToolsPoint }).payload;
            return [`${String(v)} of ${p?.executions ?? '?'} (${pct(p?.failure_rate)})`, 'failures'];
          }}
        />
        <Bar dataKey="failures" fill={palette.red} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
