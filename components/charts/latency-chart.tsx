'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, palette } from './format';

export type LatencyPoint = { tool: string; p50: number | null; p95: number | null };

const ms = (v: unknown) => (typeof v === 'number' ? (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : '—');

/** p50 and p95 execution time per tool (log scale: tools differ by orders of magnitude). */
export default function LatencyChart({ data }: { data: LatencyPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="tool" fontSize={11} interval={0} angle={-35} textAnchor="end" height={64} />
        <YAxis scale="log" domain={[1, 'auto']} allowDataOverflow tickFormatter={ms} fontSize={11} width={56} />
        <Tooltip formatter={(v) => ms(v)} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="p50" name="p50" fill={palette.sky} isAnimationActive={false} />
        <Bar dataKey="p95" name="p95" fill={palette.indigo} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
