'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One value per day and recovery method (manual, automatic); null = nothing measured that day. */
export type MethodDayPoint = { day: string; manual: number | null; automatic: number | null };

/**
 * A line per method over days. Straight segments between consecutive days only: a day with no value is a gap, not
 * a curve drawn through it (a smoothed line across empty days showed values nobody measured); grouped bars drew
 * nothing at 90 days (two bars in a 5 px day band are a tenth of a pixel wide).
 */
export function MethodLinesChart({
  data,
  format,
  axisFormat = format,
  domain,
}: {
  data: MethodDayPoint[];
  format: (v: unknown) => string;
  axisFormat?: (v: number) => string;
  domain?: [number, number];
}) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} minTickGap={16} />
        <YAxis domain={domain} tickFormatter={axisFormat} fontSize={11} />
        <Tooltip formatter={(v) => format(v)} />
        <Legend />
        <Line type="linear" dataKey="manual" name="manual" stroke="#6366f1" dot={{ r: 3 }} isAnimationActive={false} />
        <Line type="linear" dataKey="automatic" name="automatic" stroke="#0ea5e9" dot={{ r: 3 }} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
