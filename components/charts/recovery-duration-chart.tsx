'use client';
import { formatDuration } from '@/lib/format/time';
import { MethodLinesChart, type MethodDayPoint } from './method-lines-chart';

/** Mean recovery duration (seconds) per day and method. Draws only; the card fetches. */
export type RecoveryDurationPoint = MethodDayPoint;

const secs = (v: unknown) => (typeof v === 'number' ? formatDuration(v) : '—');

export default function RecoveryDurationChart({ data }: { data: RecoveryDurationPoint[] }) {
  return <MethodLinesChart data={data} format={secs} axisFormat={(v) => `${v} s`} />;
}
