'use client';

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RecoveriesPoint } from '@/lib/analytics/queries';
import { bucketLabel, CHART_HEIGHT, palette, pct, type Bucket } from './format';

export type RecoveriesChartPoint = RecoveriesPoint;

/** Recoveries per bucket stacked by status, with the success rate of finished ones on the right axis. */
export default function RecoveriesChart({ data, bucket }: { data: RecoveriesChartPoint[]; bucket: Bucket }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={data} margin={{ top: 8, right: 0, left: -16, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="bucket" tickFormatter={(v: string) => bucketLabel(v, bucket)} fontSize={11} minTickGap={16} />
        <YAxis yAxisId="n" allowDecimals={false} fontSize={11} />
        <YAxis yAxisId="r" orientation="right" domain={[0, 1]} tickFormatter={pct} fontSize={11} />
        <Tooltip labelFormatter={(v) => bucketLabel(String(v), bucket)} formatter={(v, name) => (name === 'success rate' ? pct(v) : String(v))} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar yAxisId="n" dataKey="succeeded" stackId="s" fill={palette.emerald} isAnimationActive={false} />
        <Bar yAxisId="n" dataKey="failed" stackId="s" fill={palette.red} isAnimationActive={false} />
        <Bar yAxisId="n" dataKey="abandoned" stackId="s" fill={palette.slate} isAnimationActive={false} />
        <Bar yAxisId="n" dataKey="in_progress" name="in progress" stackId="s" fill={palette.violet} isAnimationActive={false} />
        <Line yAxisId="r" dataKey="success_rate" name="success rate" stroke={palette.indigo} strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
