'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bucketLabel, CHART_HEIGHT, palette, type Bucket } from './format';

export type InterventionsChartPoint = { bucket: string } & Record<string, number | string>;

const colors: Record<string, string> = {
  retry_limit: palette.amber,
  blocker: palette.red,
  error: palette.pink,
  timeout: palette.violet,
  manual: palette.sky,
  budget: palette.slate,
};

/** Pauses per bucket, stacked by pause type. */
export default function InterventionsChart({ data, types, bucket }: { data: InterventionsChartPoint[]; types: readonly string[]; bucket: Bucket }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="bucket" tickFormatter={(v: string) => bucketLabel(v, bucket)} fontSize={11} minTickGap={16} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip labelFormatter={(v) => bucketLabel(String(v), bucket)} />
        <Legend wrapperStyle={{ fontSize: 11 }} formatter={(v: string) => v.replace('_', ' ')} />
        {types.map((t) => (
          <Bar key={t} dataKey={t} stackId="p" fill={colors[t] ?? palette.slate} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
