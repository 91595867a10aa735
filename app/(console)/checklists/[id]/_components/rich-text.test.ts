import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DescriptionText, InlineText, MARKDOWN_CACHE_MAX_CHARS, MARKDOWN_CACHE_SIZE, renderMarkdown, safeUrl } from './rich-text';

// React separates adjacent text nodes with <!-- --> in server HTML; the reader sees one text.
const render = (el: Parameters<typeof renderToString>[0]) => renderToString(el).replaceAll('<!-- -->', '');
const description = (text: string) => render(createElement(DescriptionText, { text }));
const inline = (text: string) => render(createElement(InlineText, { text }));

describe('checklist rich text', () => {
  it('renders javascript: and data: links inert, and external links with noopener noreferrer', () => {
    const html = description(
      '[run](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [Spec](https://example.com/spec) [mail](mailto:qa@example.com) [local](/checklists/3)',
    );
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/data:text/i);
    expect(html).toContain('<a href="https://example.com/spec" class="text-sky-700 underline underline-offset-2 hover:text-sky-900" rel="noopener noreferrer" target="_blank">Spec</a>');
    expect(html).toContain('href="mailto:qa@example.com"');
    expect(html).toMatch(/<a href="\/checklists\/3" class="[^"]*">local<\/a>/);
    expect(inline('[x](JavaScript:alert(1))')).not.toMatch(/href=/);
  });

  it('shows raw HTML as text: no script element, no img with onerror', () => {
    const md = '<script>alert(1)</script>\n\nText <img src=x onerror="alert(2)"> and <a href="javascript:alert(3)">a</a>\n\n![pixel](https://evil.example/p.png)';
    for (const out of [description(md), inline(md)]) {
      expect(out).not.toMatch(/<script/i);
      expect(out).not.toMatch(/<img/i);
      expect(out).not.toMatch(/<a href="javascript/i);
      expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(out).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    }
  });

  it('renders GFM: bold, code, lists, tables, and a fenced block as a copyable command', () => {
    const html = description('Ship **billing** with `flag`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```bash\nnpm run db:migrate\n```');
    expect(html).toContain('<strong class="font-semibold">billing</strong>');
    expect(html).toMatch(/<code class="[^"]*">flag<\/code>/);
    expect(html).toMatch(/<ul[^>]*>\s*<li>one<\/li>/);
    expect(html).toContain('<td>2</td>');
    expect(html).toContain('aria-label="Copy command"');
    expect(html).toContain('<code>npm run db:migrate</code>');
  });

  it('item text stays one line: "# 3" and "1." are not a heading or a list', () => {
    const html = inline('# 3 replicas up; **must stay < 0.5%**');
    expect(html).toBe('# 3 replicas up; <strong class="font-semibold">must stay &lt; 0.5%</strong>');
    expect(inline('1. first')).toBe('1. first');
  });

  it('safeUrl keeps http(s), mailto and relative URLs only', () => {
    expect(['https://a.b/c', 'http://a', 'mailto:x@y', '/p?q=1:2', '#top', 'x/y:z'].map(safeUrl)).toEqual(['https://a.b/c', 'http://a', 'mailto:x@y', '/p?q=1:2', '#top', 'x/y:z']);
    expect(['javascript:alert(1)', ' JAVASCRIPT:x', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd'].map(safeUrl)).toEqual(['', '', '', '', '']);
  });
});

describe('checklist rich text, parsed once per text', () => {
  it('hands every render of a text the same element tree, and renders it the same', () => {
    const text = 'Run `npm run gate` then **tick** [it](/checklists/1)';
    const first = renderMarkdown('inline', text);
    expect(renderMarkdown('inline', text)).toBe(first);
    expect(renderMarkdown('block', text)).not.toBe(first);
    expect(inline(text)).toBe(inline(text));
    expect(inline(text)).toContain('<strong class="font-semibold">tick</strong>');
  });

  it('keeps at most MARKDOWN_CACHE_SIZE texts, dropping the least recently used, and never keeps a long text', () => {
    const kept = renderMarkdown('block', 'kept text');
    for (let i = 0; i < MARKDOWN_CACHE_SIZE; i++) {
      renderMarkdown('block', `filler ${i}`);
      if (i % 100 === 0) expect(renderMarkdown('block', 'kept text')).toBe(kept); // recently used: stays
    }
    const dropped = renderMarkdown('block', 'filler 1');
    for (let i = 0; i < MARKDOWN_CACHE_SIZE; i++) renderMarkdown('block', `more ${i}`);
    expect(renderMarkdown('block', 'filler 1')).not.toBe(dropped);
    const long = 'x'.repeat(MARKDOWN_CACHE_MAX_CHARS + 1);
    expect(renderMarkdown('block', long)).not.toBe(renderMarkdown('block', long));
  });
});
