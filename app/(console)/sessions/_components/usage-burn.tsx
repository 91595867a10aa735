import { Card } from '@/components/ui/card';
import { formatUsd, type BudgetStatus } from '@/lib/usage/budget';

/** A session's usage and how much of its budget (and its project's budget today) it has burnt. */
export function UsageBurn({ usage }: { usage: BudgetStatus }) {
  const tokens = usage.usage.inputTokens + usage.usage.outputTokens;
  const t = (n: number) => `${Math.round(n).toLocaleString('en')} tokens`;
  const bars = [
    { label: 'Session cost', used: usage.usage.costUsd, max: usage.budget.maxCostUsd, fmt: formatUsd },
    { label: 'Session tokens', used: tokens, max: usage.budget.maxTokens, fmt: t },
    { label: `Project cost on ${usage.daily.day}`, used: usage.daily.costUsd, max: usage.daily.maxCostUsd, fmt: formatUsd },
    { label: `Project tokens on ${usage.daily.day}`, used: usage.daily.tokens, max: usage.daily.maxTokens, fmt: t },
  ].filter((b) => b.max !== null) as Array<{ label: string; used: number; max: number; fmt: (n: number) => string }>;
  return (
    <Card title="Usage and budget">
      <dl className="grid grid-cols-3 gap-2 text-sm">
        <div>
          <dt className="text-xs text-slate-500">Input</dt>
          <dd className="tabular-nums">{t(usage.usage.inputTokens)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Output</dt>
          <dd className="tabular-nums">{t(usage.usage.outputTokens)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Cost</dt>
          <dd className="tabular-nums">{formatUsd(usage.usage.costUsd)}</dd>
        </div>
      </dl>
      {bars.length === 0 ? (
        <p className="mt-3 text-xs text-slate-500">No budget: the session has none of its own and its project sets none (Settings → Projects).</p>
      ) : (
        <ul className="mt-3 space-y-3">
          {bars.map((b) => (
            <li key={b.label}>
              <BurnBar {...b} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** One budget's burn: the figure against the limit and a bar, green, amber from 80 %, red once reached. */
export function BurnBar({ label, used, max, fmt }: { label: string; used: number; max: number; fmt: (n: number) => string }) {
  const share = used / max;
  return (
    <>
      <div className="flex justify-between gap-2 text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <span className={share >= 1 ? 'tabular-nums font-medium text-red-700' : 'tabular-nums text-slate-600'}>
          {fmt(used)} of {fmt(max)} ({Math.round(share * 100)}%{share >= 1 ? ', reached' : ''})
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label} burn`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, Math.round(share * 100))}
        className="mt-1 h-2 overflow-hidden rounded bg-slate-100"
      >
        <div className={share >= 1 ? 'h-2 bg-red-500' : share >= 0.8 ? 'h-2 bg-amber-500' : 'h-2 bg-emerald-500'} style={{ width: `${Math.min(100, share * 100)}%` }} />
      </div>
    </>
  );
}
