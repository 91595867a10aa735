import type { Element, ElementContent } from 'hast';
import type { ReactElement } from 'react';
import Markdown, { type Components, type Options } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Processor } from 'unified';
import { CommandBlock } from './command-block';

/**
 * Checklist text as Markdown (react-markdown + GFM): descriptions get blocks (lists, tables, fenced code shown as
 * copyable commands), item text and history get inline marks only. Raw HTML is never rendered (it shows as the
 * text it is), images are dropped, and links keep only http(s), mailto and relative targets.
 */

/** http(s), mailto and relative URLs pass; anything else (javascript:, data:, vbscript:, …) becomes ''. */
export function safeUrl(url: string): string {
  const value = url.trim();
  const colon = value.indexOf(':');
  const relative = colon === -1 || [value.indexOf('?'), value.indexOf('#'), value.indexOf('/')].some((i) => i !== -1 && i < colon);
  if (relative) return /[\u0000-\u001f]/.test(value) ? '' : value;
  return /^(https?|mailto)$/i.test(value.slice(0, colon)) ? value : '';
}

function isExternal(href: string) {
  return /^(https?:)?\/\//i.test(href) || /^mailto:/i.test(href);
}

const linkClass = 'text-sky-700 underline underline-offset-2 hover:text-sky-900';

const inlineComponents: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} className={linkClass} {...(isExternal(href) ? { rel: 'noopener noreferrer', target: '_blank' } : {})}>
        {children}
      </a>
    ) : (
      <>{children}</>
    ),
  code: ({ children }) => (
    <code className="rounded bg-slate-100 px-1 py-px font-mono text-[0.85em] text-slate-800">{children}</code>
  ),
  strong: ({ children }) => <strong className="font-semibold">{children}</strong>,
};

function textOf(node: ElementContent | Element): string {
  if (node.type === 'text') return node.value;
  return 'children' in node ? node.children.map((c) => textOf(c as ElementContent)).join('') : '';
}

const blockComponents: Components = {
  ...inlineComponents,
  pre: ({ node }) => <CommandBlock command={node ? textOf(node).replace(/\n$/, '') : ''} />,
  p: ({ children }) => <p className="break-words">{children}</p>,
  ul: ({ children }) => <ul className="list-disc space-y-0.5 pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="list-decimal space-y-0.5 pl-5">{children}</ol>,
  table: ({ children }) => (
    <div className="overflow-x-auto">
      <table className="text-left text-xs [&_td]:border [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:px-2 [&_th]:py-1">{children}</table>
    </div>
  ),
};

/** Item text and history lines are one line of prose: no headings, lists, quotes or code blocks out of "# 3" or "1.". */
function remarkInlineOnly(this: Processor) {
  const data = this.data() as { micromarkExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push({
    disable: {
      null: ['blockQuote', 'codeFenced', 'codeIndented', 'definition', 'headingAtx', 'htmlFlow', 'list', 'setextUnderline', 'thematicBreak'],
    },
  });
}

const shared: Options = { skipHtml: false, urlTransform: safeUrl, disallowedElements: ['img'] };

const inlineOptions: Options = {
  ...shared,
  remarkPlugins: [remarkGfm, remarkInlineOnly],
  components: { ...inlineComponents, p: ({ children }) => <>{children}</> },
};
const blockOptions: Options = { ...shared, remarkPlugins: [remarkGfm], components: blockComponents };

/** Rendered texts kept (least recently used first out): a checklist page shows the same texts on every view. */
export const MARKDOWN_CACHE_SIZE = 2000;
/** Longer texts are rendered every time rather than kept. */
export const MARKDOWN_CACHE_MAX_CHARS = 16_384;
const rendered = new Map<string, ReactElement>();

/**
 * The element tree of one text, parsed once: Markdown parsing (remark + GFM) was a tenth of a checklist view's server
 * CPU (docs/benchmarks-pages.md, issue 18). A React element is an immutable description, so the same tree can be
 * rendered by any number of requests. `Markdown` is a plain function of its options (no hooks), called directly.
 */
export function renderMarkdown(kind: 'inline' | 'block', text: string): ReactElement {
  const key = `${kind}\u0000${text}`;
  const hit = rendered.get(key);
  if (hit) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  const el = Markdown({ ...(kind === 'inline' ? inlineOptions : blockOptions), children: text }) as ReactElement;
  if (text.length <= MARKDOWN_CACHE_MAX_CHARS) {
    rendered.set(key, el);
    if (rendered.size > MARKDOWN_CACHE_SIZE) rendered.delete(rendered.keys().next().value!);
  }
  return el;
}

export function InlineText({ text }: { text: string }) {
  return renderMarkdown('inline', text);
}

export function DescriptionText({ text }: { text: string }) {
  return <div className="space-y-2">{renderMarkdown('block', text)}</div>;
}
