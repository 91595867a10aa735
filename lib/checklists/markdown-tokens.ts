import type { Code, Heading, List, ListItem, Nodes, Root } from 'mdast';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';

/**
 * The lines of a checklist document that carry structure, read from the remark (CommonMark + GFM) syntax tree:
 * ATX headings, GFM task-list items and fenced code blocks. Everything else (prose, plain bullets, tables, quotes,
 * HTML) is left to the caller as verbatim source lines. Keyed by 0-based line index.
 */
export type LineToken =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'item'; indent: number; checked: boolean; text: string }
  | { kind: 'fence'; indent: number; info: string; marker: string };

/**
 * remark-gfm's task-list part alone: the rest of GFM (tables, autolinks, strikethrough, footnotes) does not change
 * which lines are headings, items or fences, and leaving it out parses a 1.5 MB import about four times faster.
 */
function remarkGfmTaskList(this: Processor) {
  const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push(gfmTaskListItem());
  (data.fromMarkdownExtensions ??= []).push(gfmTaskListItemFromMarkdown());
}

const processor = unified().use(remarkParse).use(remarkGfmTaskList);

const atxRe = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const emptyAtxRe = /^ {0,3}#{1,6}[ \t]*$/;
// The checkbox line of a task item; remark-gfm leaves a box with no text after it ("- [ ]") a plain item.
const taskLineRe = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$/;
const fenceRe = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

function indentWidth(ws: string) {
  let w = 0;
  for (const ch of ws) w += ch === '\t' ? 4 - (w % 4) : 1;
  return w;
}

export function tokenizeLines(lines: readonly string[]): Map<number, LineToken> {
  const tree: Root = processor.parse(lines.join('\n'));
  const tokens = new Map<number, LineToken>();
  const lineOf = (n: Nodes) => (n.position ? n.position.start.line - 1 : -1);

  const heading = (node: Heading) => {
    const i = lineOf(node);
    const m = atxRe.exec(lines[i] ?? '');
    // Setext headings ("Title\n=====") stay prose, as an empty ATX heading does.
    if (m && !emptyAtxRe.test(lines[i])) tokens.set(i, { kind: 'heading', level: node.depth, text: m[2].trim() });
  };

  const code = (node: Code) => {
    const i = lineOf(node);
    const m = fenceRe.exec(lines[i] ?? '');
    if (!m) return; // indented code: prose
    tokens.set(i, { kind: 'fence', indent: indentWidth(m[1]), info: m[3], marker: m[2] });
  };

  const item = (node: ListItem) => {
    const i = lineOf(node);
    const m = taskLineRe.exec(lines[i] ?? '');
    const column = (node.position?.start.column ?? 1) - 1;
    // Only an item that opens its own line (not "- - [ ] x") and is a task item by GFM, or an empty box.
    if (m && m[1].length === column && (node.checked != null || !m[3]?.trim())) {
      tokens.set(i, { kind: 'item', indent: indentWidth(m[1]), checked: m[2] !== ' ', text: (m[3] ?? '').trim() });
    }
    node.children.forEach(block);
  };

  const block = (node: Nodes) => {
    if (node.type === 'heading') heading(node);
    else if (node.type === 'code') code(node);
    else if (node.type === 'list') (node as List).children.forEach(item);
  };

  tree.children.forEach(block);
  return tokens;
}
