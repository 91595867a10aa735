'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Recovery success rate per day, one line per method. Draws only; the card fetches. Rates are 0–1, null = none finished. */
export type RecoveryRatePoint = { day: string; manual: number | null; automatic: number | null };

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '—');

export default function RecoveryRateChart({ data }: { data: RecoveryRatePoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} minTickGap={16} />
        <YAxis domain={[0, 1]} tickFormatter={pct} fontSize={11} />
        <Tooltip formatter={(v) => pct(v)} />
        <Legend />
        {/* Straight segments between consecutive days only: a day where nothing finished is a gap, not a curve
            drawn through it (a smoothed line across empty days showed rates nobody measured). */}
        <Line type="linear" dataKey="manual" name="manual" stroke="#6366f1" dot={{ r: 3 }} isAnimationActive={false} />
        <Line type="linear" dataKey="automatic" name="automatic" stroke="#0ea5e9" dot={{ r: 3 }} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
