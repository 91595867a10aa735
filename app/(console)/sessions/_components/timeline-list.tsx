import Link from 'next/link';
import { Badge, StatusBadge, type Tone } from '@/components/ui/badge';
import type { TimelineItem } from '@/lib/sessions/timeline';
import { formatBytes, formatDuration } from '@/lib/ui/format';
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
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : null);

/** To the second: a fast agent's steps are seconds apart. */
export function formatTimelineTime(d: Date) {
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** Seconds between a row's time and a later ISO time in its data (how long a pause waited). */
function secondsUntil(from: Date, to: unknown) {
  const t = typeof to === 'string' ? Date.parse(to) : NaN;
  return Number.isNaN(t) ? null : Math.max(0, (t - from.getTime()) / 1000);
}

/** An agent event: its type, the tool it called, how it ended and how long it took, who reported it. */
function describeEvent(item: TimelineItem): string {
  const d = item.data;
  const ms = num(d.duration_ms ?? d.durationMs);
  const status = str(d.status);
  return [
    item.label.replace(/_/g, ' '),
    str(d.tool ?? d.tool_name ?? d.toolName),
    status && status !== 'success' ? status : '',
    ms !== null ? formatDuration(ms / 1000) : '',
    str(d.actor_id),
    str(d.error ?? d.reason),
  ]
    .filter(Boolean)
    .join(' · ');
}

function describe(item: TimelineItem): string {
  const d = item.data;
  switch (item.kind) {
    case 'checkpoint':
      return `#${str(d.sequence)} ${item.label.replace(/_/g, ' ')} · task ${str(d.currentTaskId) || '—'} · ${str(d.messageCount)} messages · ${formatBytes(Number(d.sizeBytes ?? 0))}${d.forkedFromSequence ? ` · forked from #${str(d.forkedFromSequence)} by ${str(d.createdBy)}` : ''}${d.isValid ? '' : ` · invalid: ${str(d.invalidationReason)}`}`;
    case 'pause': {
      const waited = d.resolved ? secondsUntil(item.at, d.resolvedAt) : null;
      return `paused (${item.label.replace(/_/g, ' ')}): ${str(d.reason)}${d.resolved ? ` → ${str(d.resolution)} by ${str(d.resolvedBy)}${waited !== null ? ` after ${formatDuration(waited)}` : ''}` : ' · open'}`;
    }
    case 'action':
      return `${item.label} by ${str(d.actor)}${d.note ? `: ${str(d.note)}` : ''}`;
    case 'recovery':
      return `restore from #${str(d.sequence)} (${str(d.method)}) by ${str(d.initiatedBy) || '—'}${d.durationSeconds !== null && d.durationSeconds !== undefined ? ` · ${formatDuration(Number(d.durationSeconds))}` : ''}${d.modifications ? ' · with edits' : ''}${d.error ? ` · ${str(d.error)}` : ''}`;
    case 'event':
      return describeEvent(item);
  }
}

/**
 * The merged timeline; each row expands to its full metadata. A valid checkpoint's Restore sits on its row (one
 * click to the confirmation); inspecting and invalidating are inside the expanded part. Server-rendered: only
 * the buttons are client code. The repeated classes are the short `tl-*` ones of app/globals.css.
 */
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
          <li key={`${item.kind}:${item.key}`} className="tl-row">
            <details className="group min-w-0 flex-1">
              <summary className="tl-sum">
                <time className="tl-time" dateTime={item.at.toISOString()}>
                  {formatTimelineTime(item.at)}
                </time>
                <Badge tone={kindTone[item.kind]}>{item.kind}</Badge>
                {item.kind === 'recovery' && <StatusBadge status={item.label} />}
                <span className="tl-text">{describe(item)}</span>
              </summary>
              <div className="tl-more">
                {isCheckpoint && (
                  <div className="flex flex-wrap items-center gap-2">
                    <Link prefetch={false} href={`/sessions/${sessionId}/checkpoints/${str(d.id)}`} className="link text-sm">
                      Inspect checkpoint #{str(d.sequence)}
                    </Link>
                    {canInvalidate && Boolean(d.isValid) && <InvalidateButton sessionId={sessionId} checkpointId={str(d.id)} sequence={Number(d.sequence)} />}
                  </div>
                )}
                <pre className="tl-json">{JSON.stringify(d, null, 2)}</pre>
              </div>
            </details>
            {isCheckpoint && canRestore && Boolean(d.isValid) && (
              <div className="shrink-0">
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
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
