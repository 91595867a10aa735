'use client';

import { Bar, YAxis } from 'recharts';
import { axisStyle } from './chart-axis';
import { CHART_HEIGHT, palette } from './format';
import { TimeChart } from './time-chart';

export type UsageChartPoint = { bucket: string; values: Record<string, number> };

const colors = [palette.indigo, palette.emerald, palette.amber, palette.sky, palette.pink, palette.violet, palette.slate];

/** Cost or tokens per bucket, stacked by project (the costliest first; "other" sums the rest). */
export default function UsageChart({ data, projects, unit }: { data: UsageChartPoint[]; projects: string[]; unit: 'usd' | 'tokens' }) {
  const points = data.map((p) => ({ t: Date.parse(p.bucket), ...Object.fromEntries(projects.map((name, i) => [`p${i}`, p.values[name] ?? 0])) }));
  const spanMinutes = points.length > 1 ? (points[points.length - 1].t - points[0].t) / 60_000 : 60;
  const format = (v: unknown) =>
    typeof v !== 'number' ? '—' : unit === 'usd' ? `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}` : `${Math.round(v).toLocaleString('en')} tokens`;
  return (
    <TimeChart data={points} spanMinutes={spanMinutes} height={CHART_HEIGHT} tooltipFormatter={(v) => format(v)}>
      <YAxis tick={axisStyle} width={56} tickFormatter={(v: number) => (unit === 'usd' ? `$${v}` : v.toLocaleString('en', { notation: 'compact' }))} />
      {projects.map((name, i) => (
        <Bar key={name} dataKey={`p${i}`} name={name} stackId="u" fill={colors[i % colors.length]} isAnimationActive={false} />
      ))}
    </TimeChart>
  );
}
