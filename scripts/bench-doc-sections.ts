import fs from 'node:fs';
import path from 'node:path';

/** Moves every markdown heading of `md` one level down (## → ###), outside fenced code blocks. */
export function demoteHeadings(md: string) {
  let fenced = false;
  return md
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && /^#{1,5} /.test(line) ? `#${line}` : line;
    })
    .join('\n');
}

/**
 * Replaces one generated section of a benchmark document (between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`), or appends it; everything outside the markers (hand-written notes) is kept.
 * The run it replaces is not dropped: it moves, headings one level down, to the top of the section's
 * earlier-runs block (`<!-- earlier:NAME -->` … `<!-- /earlier:NAME -->`, created at the end of the document),
 * so earlier runs stay beside the new one.
 */
export function writeDocSection(file: string, name: string, content: string) {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, replaceDocSection(old, name, content));
}

/** writeDocSection's text work: the document `old` with section `name` replaced by `content`. */
export function replaceDocSection(old: string, name: string, content: string) {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const block = `${start}\n${content.trimEnd()}\n${end}`;
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  if (!(a >= 0 && b > a)) return `${old.trimEnd()}${old ? '\n\n' : ''}${block}\n`;
  const replaced = old.slice(a + start.length, b).trim();
  let next = old.slice(0, a) + block + old.slice(b + end.length);
  if (replaced && replaced !== content.trim()) next = archive(next, name, replaced);
  return next;
}

function archive(doc: string, name: string, run: string) {
  const start = `<!-- earlier:${name} -->`;
  const end = `<!-- /earlier:${name} -->`;
  const entry = demoteHeadings(run);
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) {
    const kept = doc.slice(a + start.length, b).trim();
    return `${doc.slice(0, a)}${start}\n${entry}\n\n${kept}\n${doc.slice(b)}`;
  }
  const heading = `## Earlier runs of the generated section "${name}" (moved here by the benchmark when a newer run replaced them; newest first)`;
  return `${doc.trimEnd()}\n\n${heading}\n\n${start}\n${entry}\n${end}\n`;
}

/**
 * The runs already in a benchmark doc that adds each run above the earlier ones: every "## " section of it, kept
 * below the new one. A doc written before runs were kept (no "## " heading) becomes one section, headed by the
 * date at the start of its setting line (`YYYY-MM-DD, …`); `staticTail` (a regular expression for text the script
 * writes after every run, such as a closing paragraph) is dropped from it.
 */
export function earlierRuns(previous: string, staticTail?: RegExp) {
  if (!previous.trim()) return '';
  const i = previous.indexOf('\n## ');
  if (i >= 0) return previous.slice(i + 1);
  const m = /^(\d{4}-\d{2}-\d{2}),/m.exec(previous);
  if (!m) return '';
  const body = previous.slice(m.index).replace(staticTail ?? /$^/, '').trimEnd();
  return `## Run of ${m[1]} (written before runs were kept beside each other)\n\n${body}\n`;
}
