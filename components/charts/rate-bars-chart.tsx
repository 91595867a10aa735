'use client';

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bucketLabel, CHART_HEIGHT, palette, pct, type Bucket } from './format';

export type RateBarsPoint = { bucket: string; count: number; bad?: number; rate: number | null };

/**
 * Volume bars (optionally split into good/bad) with a rate line on the right axis: database retries
 * and tool executions per bucket use it.
 */
export default function RateBarsChart({
  data,
  bucket,
  countLabel,
  badLabel,
  rateLabel,
}: {
  data: RateBarsPoint[];
  bucket: Bucket;
  countLabel: string;
  badLabel?: string;
  rateLabel: string;
}) {
  const rows = data.map((d) => ({ ...d, good: d.count - (d.bad ?? 0) }));
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={rows} margin={{ top: 8, right: 0, left: -16, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
        <XAxis dataKey="bucket" tickFormatter={(v: string) => bucketLabel(v, bucket)} fontSize={11} minTickGap={16} />
        <YAxis yAxisId="n" allowDecimals={false} fontSize={11} />
        <YAxis yAxisId="r" orientation="right" domain={[0, 1]} tickFormatter={pct} fontSize={11} />
        <Tooltip labelFormatter={(v) => bucketLabel(String(v), bucket)} formatter={(v, name) => (name === rateLabel ? pct(v) : String(v))} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {badLabel ? (
          <>
            <Bar yAxisId="n" dataKey="good" name={countLabel} stackId="c" fill={palette.sky} isAnimationActive={false} />
            <Bar yAxisId="n" dataKey="bad" name={badLabel} stackId="c" fill={palette.red} isAnimationActive={false} />
          </>
        ) : (
          <Bar yAxisId="n" dataKey="count" name={countLabel} fill={palette.sky} isAnimationActive={false} />
        )}
        <Line yAxisId="r" dataKey="rate" name={rateLabel} stroke={palette.indigo} strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
