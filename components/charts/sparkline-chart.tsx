/**
 * A tiny success-rate line for table rows, drawn as plain SVG (server-rendered, no chart library: a table of
 * many rows should not mount a Recharts instance per row). Gaps where the tool did not run.
 */
export function SparklineChart({ values, label, width = 96, height = 24 }: { values: (number | null)[]; label: string; width?: number; height?: number }) {
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width / 2 : (i / (n - 1)) * (width - 2) + 1);
  const y = (v: number) => height - 1 - v * (height - 2);
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = '';
    } else {
      current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    }
  });
  if (current) segments.push(current);
  const points = values.map((v, i) => (v === null ? null : { cx: x(i), cy: y(v) })).filter((p) => p !== null);
  return (
    <svg width={width} height={height} role="img" aria-label={label} className="overflow-visible">
      <line x1={0} x2={width} y1={y(1)} y2={y(1)} stroke="#e2e8f0" strokeDasharray="2 2" />
      {segments.map((d, i) => (
        <path key={i} d={d} fill="none" stroke="#6366f1" strokeWidth={1.5} />
      ))}
      {points.length === 1 && <circle cx={points[0].cx} cy={points[0].cy} r={2} fill="#6366f1" />}
    </svg>
  );
}
