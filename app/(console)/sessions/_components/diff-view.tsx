'use client';
import type { MessageChange, StateDiff } from '@/lib/checkpoints/diff';

const tone: Record<MessageChange['kind'], string> = {
  added: 'border-emerald-300 bg-emerald-50',
  removed: 'border-red-300 bg-red-50',
  changed: 'border-amber-300 bg-amber-50',
};

function where(c: MessageChange) {
  if (c.kind === 'added') return `message #${c.index + 1} added`;
  if (c.kind === 'removed') return `message #${c.fromIndex + 1} removed`;
  return c.index === c.fromIndex ? `message #${c.index + 1} changed` : `message #${c.fromIndex + 1} → #${c.index + 1} changed`;
}

/**
 * A structural diff as a person reads it: messages added / removed / changed, field changes for the rest, and the
 * raw jsondiffpatch delta. Only the first N message changes are here; "Show more" asks the server for more.
 */
export function DiffView({ diff, onMore, loading }: { diff: StateDiff; onMore?: () => void; loading?: boolean }) {
  const { messages, fields } = diff;
  if (diff.identical) return <p className="text-sm text-slate-600">The two states are identical.</p>;
  return (
    <div className="space-y-3 text-sm" aria-label="State diff">
      <p role="status" className="font-medium">
        {messages.added} messages added · {messages.removed} removed · {messages.changed} changed · {fields.length} field changes
      </p>
      {messages.items.length > 0 && (
        <ol aria-label="Message changes" className="space-y-1.5">
          {messages.items.map((c, i) => (
            <li key={i} className={`rounded-md border-l-4 px-2 py-1 ${tone[c.kind]}`}>
              <div className="text-xs font-medium text-slate-600">{where(c)}</div>
              {c.kind !== 'added' && <pre className="whitespace-pre-wrap break-all text-xs text-red-800">− {c.before}</pre>}
              {c.kind !== 'removed' && <pre className="whitespace-pre-wrap break-all text-xs text-emerald-800">+ {c.after}</pre>}
            </li>
          ))}
        </ol>
      )}
      {messages.items.length < messages.total && onMore && (
        <button type="button" onClick={onMore} disabled={loading} className="text-indigo-700 hover:underline">
          {loading ? 'Loading…' : `Show more (${messages.total - messages.items.length} more message changes)`}
        </button>
      )}
      {fields.length > 0 && (
        <table aria-label="Field changes" className="w-full text-xs">
          <tbody>
            {fields.map((f) => (
              <tr key={f.path} className="border-t border-slate-100 align-top">
                <td className="py-1 pr-2 font-mono">{f.path}</td>
                <td className="py-1 pr-2">{f.kind}</td>
                <td className="break-all py-1 pr-2 text-red-800">{f.before ?? ''}</td>
                <td className="break-all py-1 text-emerald-800">{f.after ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary className="cursor-pointer text-xs text-slate-600">Raw delta{diff.rawTruncated ? ' (truncated)' : ''}</summary>
        <pre aria-label="Raw delta" className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{diff.raw}</pre>
      </details>
    </div>
  );
}
