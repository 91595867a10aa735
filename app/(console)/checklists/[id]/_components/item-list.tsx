import { clsx } from 'clsx';
import type { ChecklistItemNode } from '@/lib/checklists/queries';
import { formatDateTime } from '@/lib/ui/format';
import { CommandBlock } from './command-block';
import { InlineText } from './rich-text';
import { FailControl } from './fail-control';
import { TickControl } from './tick-control';

/** Items in document order; sub-items indented under their parent with a guide line. */
export function ItemList({
  items,
  canTick,
  tickBlockedReason = null,
  depth = 0,
}: {
  items: ChecklistItemNode[];
  canTick: boolean;
  /** Why the boxes are disabled, when they are. */
  tickBlockedReason?: string | null;
  depth?: number;
}) {
  return (
    <ul className={clsx('space-y-1.5', depth > 0 && 'ml-6 mt-1.5 border-l border-slate-200 pl-3')}>
      {items.map((item) => (
        <li key={item.id} data-testid="checklist-item">
          <div className="flex flex-wrap items-start gap-x-2.5 gap-y-1 rounded-md px-1.5 py-1 hover:bg-slate-50">
            <TickControl itemId={item.id} text={item.text} checked={item.checked} disabled={!canTick} disabledReason={tickBlockedReason} />
            <div className="min-w-0 flex-1">
              <span className={clsx('text-sm', item.checked ? 'text-slate-500' : 'text-slate-800')}>
                {item.text ? <InlineText text={item.text} /> : <em className="text-slate-500">(empty item)</em>}
              </span>
              {!item.required && (
                <span className="ml-1.5 rounded bg-slate-100 px-1 py-px text-[10px] font-medium uppercase text-slate-500">
                  optional
                </span>
              )}
              {item.checked && (
                <div className="text-xs text-emerald-700">
                  ✓ {item.checkedByName ?? item.checkedBy ?? 'someone'} · {formatDateTime(item.checkedAt)}
                  {item.note && <span className="text-slate-500"> — {item.note}</span>}
                </div>
              )}
              {item.failedAt && (
                <div className="text-xs font-medium text-red-700">
                  ✗ failed · {formatDateTime(item.failedAt)}
                  {item.note && <span className="font-normal"> — {item.note}</span>}
                </div>
              )}
            </div>
            {canTick && item.required && !item.failedAt && <FailControl itemId={item.id} text={item.text} />}
          </div>
          {item.command !== null && (
            <div className="ml-8">
              <CommandBlock command={item.command} />
            </div>
          )}
          {item.children.length > 0 && <ItemList items={item.children} canTick={canTick} tickBlockedReason={tickBlockedReason} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}
