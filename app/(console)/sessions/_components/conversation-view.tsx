import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { formatCount } from '@/lib/ui/format';
import { foldText, normalizeMessage, type MessagePart } from '@/lib/checkpoints/conversation';

const roleTone: Record<string, Tone> = { user: 'blue', assistant: 'violet', system: 'gray', tool: 'amber', function: 'amber' };

/** Visible at once; the rest of a long text sits behind a disclosure, and past INLINE_MAX behind a link. */
const PREVIEW = 600;
const INLINE_MAX = 4_000;

function FoldedText({ text, fullHref }: { text: string; fullHref: string | null }) {
  const { shown, hidden } = foldText(text, PREVIEW);
  if (!hidden) return <pre className="whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{shown}</pre>;
  const inline = foldText(text, INLINE_MAX);
  return (
    <details>
      <summary className="cursor-pointer list-none">
        <pre className="whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{shown}…</pre>
        <span className="text-xs font-medium text-indigo-700">Show all {text.length.toLocaleString('en')} characters</span>
      </summary>
      <pre className="mt-1 whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{inline.shown.slice(PREVIEW)}</pre>
      {inline.hidden > 0 && fullHref && (
        <Link href={fullHref} className="text-xs font-medium text-indigo-700 hover:underline">
          … {inline.hidden.toLocaleString('en')} more characters: open the full message
        </Link>
      )}
    </details>
  );
}

function Part({ part, fullHref, full }: { part: MessagePart; fullHref: string | null; full: boolean }) {
  const body = (text: string) => (full ? <pre className="whitespace-pre-wrap break-words text-sm">{text}</pre> : <FoldedText text={text} fullHref={fullHref} />);
  if (part.kind === 'text') return body(part.text);
  if (part.kind === 'tool_call') {
    return (
      <div className="rounded-md border border-amber-200 bg-amber-50/50 p-2">
        <div className="text-xs font-semibold text-amber-800">tool call · {part.name}</div>
        <div className="font-mono text-xs">{body(part.args)}</div>
      </div>
    );
  }
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-2">
      <div className="text-xs font-semibold text-slate-600">tool result{part.ref ? ` · ${part.ref}` : ''}</div>
      <div className="font-mono text-xs">{body(part.text)}</div>
    </div>
  );
}

/** Server-rendered window of a conversation: the browser gets this window's HTML, never the history's JSON. */
export function ConversationView({
  messages,
  offset,
  baseHref,
  full = false,
}: {
  messages: unknown[];
  offset: number;
  baseHref: string;
  full?: boolean;
}) {
  return (
    <ol className="space-y-3" aria-label="Conversation">
      {messages.map((raw, i) => {
        const index = offset + i;
        const m = normalizeMessage(raw);
        return (
          <li key={index} className="rounded-lg border border-slate-200 p-3">
            <div className="mb-1 flex items-center gap-2 text-xs text-slate-500">
              <span className="tabular-nums">#{index + 1}</span>
              <Badge tone={roleTone[m.role] ?? 'gray'}>{m.role}</Badge>
              {m.name && <span>{m.name}</span>}
              {m.chars > PREVIEW && <span>{formatCount(m.chars)} chars</span>}
            </div>
            <div className="space-y-2">
              {m.parts.map((p, j) => (
                <Part key={j} part={p} full={full} fullHref={`${baseHref}?message=${index}`} />
              ))}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
