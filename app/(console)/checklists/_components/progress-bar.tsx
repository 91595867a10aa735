import { clsx } from 'clsx';

/** A labelled bar: "7 of 12" with the share filled; green once everything is done. */
export function ProgressBar({
  done,
  total,
  label,
  className,
}: {
  done: number;
  total: number;
  label?: string;
  className?: string;
}) {
  const pct = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div className={clsx('flex items-center gap-2', className)}>
      <div
        role="progressbar"
        aria-label={label ?? 'Progress'}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total}`}
        className="h-2 min-w-16 flex-1 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={clsx('h-full rounded-full transition-all', done === total && total > 0 ? 'bg-emerald-500' : 'bg-indigo-500')}
          style={{ width: `${pct}%` }}
        />
      </div>
      <span className="shrink-0 text-xs tabular-nums text-slate-600">
        {done}/{total}
      </span>
    </div>
  );
}
