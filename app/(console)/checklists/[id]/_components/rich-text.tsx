import { Fragment } from 'react';
import { CommandBlock } from './command-block';

/**
 * Just enough Markdown for checklist text: `code`, **bold**, and (in descriptions) fenced blocks shown as
 * copyable commands. Everything else stays as written, including broken encoding: the import keeps text verbatim
 * and so does the page. Only React text nodes are produced, never HTML.
 */
export function InlineText({ text }: { text: string }) {
  const parts = text.split(/(`[^`\n]+`|\*\*[^*\n]+\*\*)/g);
  return (
    <>
      {parts.map((p, i) =>
        p.length > 2 && p.startsWith('`') && p.endsWith('`') ? (
          <code key={i} className="rounded bg-slate-100 px-1 py-px font-mono text-[0.85em] text-slate-800">
            {p.slice(1, -1)}
          </code>
        ) : p.length > 4 && p.startsWith('**') && p.endsWith('**') ? (
          <strong key={i} className="font-semibold">
            {p.slice(2, -2)}
          </strong>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}

export function DescriptionText({ text }: { text: string }) {
  const blocks: { code: boolean; body: string }[] = [];
  const lines = text.split('\n');
  let buf: string[] = [];
  let fence: string | null = null;
  const push = (code: boolean) => {
    const body = buf.join('\n');
    if (code || body.trim()) blocks.push({ code, body: code ? body : body.replace(/^\n+|\n+$/g, '') });
    buf = [];
  };
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === null && m) {
      push(false);
      fence = m[1];
    } else if (fence !== null && m && line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') {
      push(true);
      fence = null;
    } else {
      buf.push(line);
    }
  }
  push(fence !== null);
  return (
    <div className="space-y-2">
      {blocks.map((b, i) =>
        b.code ? (
          <CommandBlock key={i} command={b.body} />
        ) : (
          <p key={i} className="whitespace-pre-wrap break-words">
            <InlineText text={b.body} />
          </p>
        ),
      )}
    </div>
  );
}
