'use client';

import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, palette, pct } from './format';

export type PreferencePoint = { tool: string; mean: number; lower: number; upper: number; score: number };

/** Height per tool row: 11 px labels need ~22 px each or Recharts drops every other one. */
const ROW = 26;

/**
 * Posterior mean success probability per tool with its 90 % credible interval as whiskers. Every bar is labelled
 * (interval 0) and the chart grows with the number of tools instead of skipping labels to fit a fixed height.
 */
export default function PreferenceChart({ data }: { data: PreferencePoint[] }) {
  const rows = data.map((d) => ({ ...d, err: [d.mean - d.lower, d.upper - d.mean] as [number, number] }));
  return (
    <ResponsiveContainer width="100%" height={Math.max(CHART_HEIGHT, rows.length * ROW + 40)}>
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" domain={[0, 1]} tickFormatter={pct} fontSize={11} />
        <YAxis type="category" dataKey="tool" width={120} fontSize={11} interval={0} />
        <Tooltip
          formatter={(_v, _n, item) => {
            const p = (item as { payload?: PreferencePoint }).payload;
            return [p ? `${pct(p.mean)} (90 %: ${pct(p.lower)}–${pct(p.upper)})` : '', 'success probability'];
          }}
        />
        <Bar dataKey="mean" fill={palette.emerald} isAnimationActive={false}>
          <ErrorBar dataKey="err" width={4} stroke="#334155" direction="x" />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
