import fs from 'node:fs';
import path from 'node:path';

/**
 * Replaces one generated section of a benchmark document (between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`), or appends it; everything outside the markers (hand-written notes) is kept.
 */
export function writeDocSection(file: string, name: string, content: string) {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const block = `${start}\n${content.trimEnd()}\n${end}`;
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + end.length) : `${old.trimEnd()}${old ? '\n\n' : ''}${block}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, next);
}
