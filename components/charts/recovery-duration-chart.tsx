'use client';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '@/lib/format/time';

/** Mean recovery duration (seconds) per day and method. Draws only; the card fetches. */
export type RecoveryDurationPoint = { day: string; manual: number | null; automatic: number | null };

const secs = (v: unknown) => (typeof v === 'number' ? formatDuration(v) : '—');

/**
 * Points joined by straight segments, like the success-rate chart beside it. Grouped bars drew nothing at 90 days:
 * two bars in a 5 px day band, less the 4 px gap between them, are a tenth of a pixel wide.
 */
export default function RecoveryDurationChart({ data }: { data: RecoveryDurationPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} minTickGap={16} />
        <YAxis fontSize={11} tickFormatter={(v: number) => `${v} s`} />
        <Tooltip formatter={(v) => secs(v)} />
        <Legend />
        <Line type="linear" dataKey="manual" name="manual" stroke="#6366f1" dot={{ r: 3 }} isAnimationActive={false} />
        <Line type="linear" dataKey="automatic" name="automatic" stroke="#0ea5e9" dot={{ r: 3 }} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
