import Link from 'next/link';
import { Badge, StatusBadge, type Tone } from '@/components/ui/badge';
import type { TimelineItem } from '@/lib/sessions/timeline';
import { formatBytes, formatDateTime, formatDuration } from '@/lib/ui/format';
import { InvalidateButton } from './invalidate-dialog';
import { RestoreButton } from './restore-dialog';

const kindTone: Record<TimelineItem['kind'], Tone> = {
  checkpoint: 'blue',
  event: 'gray',
  pause: 'amber',
  action: 'green',
  recovery: 'violet',
};

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

function describe(item: TimelineItem): string {
  const d = item.data;
  switch (item.kind) {
    case 'checkpoint':
      return `#${str(d.sequence)} ${item.label.replace(/_/g, ' ')} · task ${str(d.currentTaskId) || '—'} · ${str(d.messageCount)} messages · ${formatBytes(Number(d.sizeBytes ?? 0))}${d.isValid ? '' : ` · invalid: ${str(d.invalidationReason)}`}`;
    case 'pause':
      return `paused (${item.label.replace(/_/g, ' ')}): ${str(d.reason)}${d.resolved ? ` → ${str(d.resolution)} by ${str(d.resolvedBy)}` : ' · open'}`;
    case 'action':
      return `${item.label} by ${str(d.actor)}${d.note ? `: ${str(d.note)}` : ''}`;
    case 'recovery':
      return `restore from #${str(d.sequence)} (${str(d.method)}) by ${str(d.initiatedBy) || '—'}${d.durationSeconds !== null && d.durationSeconds !== undefined ? ` · ${formatDuration(Number(d.durationSeconds))}` : ''}${d.modifications ? ' · with edits' : ''}${d.error ? ` · ${str(d.error)}` : ''}`;
    case 'event': {
      const by = str(d.actor_id);
      return `${item.label.replace(/_/g, ' ')}${by ? ` · ${by}` : ''}${d.error ? ` · ${str(d.error)}` : ''}`;
    }
  }
}

/** The merged timeline; each row expands to its full metadata. Server-rendered: only the buttons are client code. */
export function TimelineList({
  sessionId,
  items,
  canRestore,
  restoreBlockedReason,
  canInvalidate,
  hasOpenPause,
}: {
  sessionId: string;
  items: TimelineItem[];
  canRestore: boolean;
  restoreBlockedReason: string | null;
  canInvalidate: boolean;
  hasOpenPause: boolean;
}) {
  return (
    <ol className="divide-y divide-slate-100" aria-label="Timeline">
      {items.map((item) => {
        const d = item.data;
        const isCheckpoint = item.kind === 'checkpoint';
        return (
          <li key={`${item.kind}:${item.key}`} className="py-2">
            <details className="group">
              <summary className="flex cursor-pointer list-none items-start gap-3 text-sm">
                <time className="w-36 shrink-0 pt-0.5 text-xs tabular-nums text-slate-500" dateTime={item.at.toISOString()}>
                  {formatDateTime(item.at)}
                </time>
                <Badge tone={kindTone[item.kind]}>{item.kind}</Badge>
                {item.kind === 'recovery' && <StatusBadge status={item.label} />}
                <span className="min-w-0 flex-1 break-words text-slate-800">{describe(item)}</span>
              </summary>
              <div className="ml-36 mt-2 space-y-2 pl-3">
                {isCheckpoint && (
                  <div className="flex flex-wrap items-center gap-2">
                    <Link prefetch={false} href={`/sessions/${sessionId}/checkpoints/${str(d.id)}`} className="text-sm font-medium text-indigo-700 hover:underline">
                      Inspect checkpoint #{str(d.sequence)}
                    </Link>
                    {canRestore && Boolean(d.isValid) && (
                      <RestoreButton
                        hasOpenPause={hasOpenPause}
                        blockedReason={restoreBlockedReason}
                        target={{
                          sessionId,
                          checkpointId: str(d.id),
                          sequence: Number(d.sequence),
                          currentTaskId: d.currentTaskId ? str(d.currentTaskId) : null,
                          messageCount: Number(d.messageCount ?? 0),
                        }}
                      />
                    )}
                    {canInvalidate && Boolean(d.isValid) && <InvalidateButton sessionId={sessionId} checkpointId={str(d.id)} sequence={Number(d.sequence)} />}
                  </div>
                )}
                <pre className="max-h-80 overflow-auto rounded-md bg-slate-50 p-2 text-xs text-slate-700">{JSON.stringify(d, null, 2)}</pre>
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
