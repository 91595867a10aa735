'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bucketLabel, CHART_HEIGHT, palette, type Bucket } from './format';

export type UsageChartPoint = { bucket: string; values: Record<string, number> };

const colors = [palette.indigo, palette.emerald, palette.amber, palette.sky, palette.pink, palette.violet, palette.slate];

/**
 * Cost or tokens per bucket, stacked by project (the costliest first; "other" sums the rest). The buckets are
 * labelled like the other Overview charts beside it (12-07, or 12-07 14:00 by the hour).
 */
export default function UsageChart({ data, projects, unit, bucket }: { data: UsageChartPoint[]; projects: string[]; unit: 'usd' | 'tokens'; bucket: Bucket }) {
  const points = data.map((p) => ({ bucket: p.bucket, ...Object.fromEntries(projects.map((name, i) => [`p${i}`, p.values[name] ?? 0])) }));
  const format = (v: unknown) =>
    typeof v !== 'number' ? '—' : unit === 'usd' ? `$${v === 0 ? '0' : v < 1 ? v.toFixed(4) : v.toFixed(2)}` : `${Math.round(v).toLocaleString('en')} tokens`;
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="bucket" tickFormatter={(v: string) => bucketLabel(v, bucket)} fontSize={11} minTickGap={16} />
        <YAxis fontSize={11} width={56} tickFormatter={(v: number) => (unit === 'usd' ? `$${v}` : v.toLocaleString('en', { notation: 'compact' }))} />
        <Tooltip labelFormatter={(v) => bucketLabel(String(v), bucket)} formatter={(v) => format(v)} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {projects.map((name, i) => (
          <Bar key={name} dataKey={`p${i}`} name={name} stackId="u" fill={colors[i % colors.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
