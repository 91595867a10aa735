'use client';
import { pct } from './format';
import { MethodLinesChart, type MethodDayPoint } from './method-lines-chart';

/** Recovery success rate per day, one line per method. Draws only; the card fetches. Rates are 0–1, null = none finished. */
export type RecoveryRatePoint = MethodDayPoint;

export default function RecoveryRateChart({ data }: { data: RecoveryRatePoint[] }) {
  return <MethodLinesChart data={data} format={pct} domain={[0, 1]} />;
}
