'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Mean recovery duration (seconds) per day and method. Draws only; the card fetches. */
export type RecoveryDurationPoint = { day: string; manual: number | null; automatic: number | null };

const secs = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} s` : '—');

export default function RecoveryDurationChart({ data }: { data: RecoveryDurationPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} />
        <YAxis fontSize={11} />
        <Tooltip formatter={(v) => secs(v)} />
        <Legend />
        <Bar dataKey="manual" name="manual" fill="#6366f1" isAnimationActive={false} />
        <Bar dataKey="automatic" name="automatic" fill="#0ea5e9" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
