import { signoffRoles, type ChecklistPhase, type SignoffRole } from '@/lib/db/schema/enums';
import { tokenizeLines } from './markdown-tokens';
import {
  DEFAULT_SECTION_TITLE,
  isSignoffHeading,
  phaseOfHeading,
  roleOfLabel,
  type ChecklistDraft,
  type DraftItem,
  type DraftSection,
  type DraftSignature,
} from './markdown-rules';

/**
 * Markdown → checklist draft. remark (CommonMark + GFM) says which lines are headings, task items and fenced
 * code (markdown-tokens.ts); this file applies Flightdeck's rules on top (see markdown.ts). Everything else is
 * kept as source lines, verbatim.
 */

const ruleRe = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const optionalRe = /^\(optional\)[ \t]*/i;
// "QA: Jane Doe  Date: 2025-01-02", "- **Development Lead:** ____ Date: ____"
const roleLineRe = /^[ \t]*(?:[-*+][ \t]+)?\**[ \t]*([A-Za-z][A-Za-z &/-]{0,40}?)[ \t]*\**[ \t]*:[ \t]*\**(.*)$/;

function cleanBlank(s: string) {
  return s.replace(/[_*]+/g, ' ').replace(/\s+/g, ' ').trim();
}

type OpenSection = DraftSection & { level: number };

export function parseChecklistMarkdown(markdown: string): ChecklistDraft {
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const tokens = tokenizeLines(lines);
  let title: string | null = null;
  let sawContent = false;
  // Heading stack: level, title, phase (own or inherited).
  const headings: { level: number; title: string; phase: ChecklistPhase }[] = [];
  let signoffLevel: number | null = null;
  const roles = new Set<SignoffRole>();
  const signatures: DraftSignature[] = [];
  const sections: OpenSection[] = [];
  let current: OpenSection | null = null;
  // The section under the title heading: kept for its prose alone (the document's intro) even without items.
  let titleSection: OpenSection | null = null;
  let descLines: string[] = [];
  // Item nesting: indentation of each open item.
  let stack: { indent: number; item: DraftItem }[] = [];
  let lastItem: DraftItem | null = null;

  const flush = () => {
    if (!current) return;
    const desc = trimBlankLines(descLines);
    current.description = desc.length ? desc.join('\n') : null;
    const keep =
      current.items.length > 0 ||
      (current.description !== null &&
        (current === titleSection || current.phase === 'rollback_criteria' || current.phase === 'success_criteria'));
    if (keep) sections.push(current);
    current = null;
    descLines = [];
    stack = [];
    lastItem = null;
  };

  const open = (sectionTitle: string, phase: ChecklistPhase, signoffRole: SignoffRole | null, level: number) => {
    flush();
    current = { title: sectionTitle, phase, description: null, signoffRole, items: [], level };
  };

  const ensureSection = () => {
    if (!current) open(DEFAULT_SECTION_TITLE, 'custom', null, 0);
    return current as unknown as OpenSection;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const token = tokens.get(i);

    if (token?.kind === 'fence') {
      // An unclosed fence runs to the end of the document.
      const body: string[] = [];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length; j++) {
        const close = /^([ \t]*)(`{3,}|~{3,})[ \t]*$/.exec(lines[j]);
        if (close && close[2][0] === token.marker[0] && close[2].length >= token.marker.length) {
          closed = true;
          break;
        }
        body.push(lines[j]);
      }
      const end = closed ? j : lines.length - 1;
      if (lastItem && lastItem.command === null && current) {
        lastItem.command = body.map((b) => stripIndent(b, token.indent)).join('\n');
        if (token.info.trim()) lastItem.commandLanguage = token.info.trim();
        lastItem = null;
      } else if (current) {
        descLines.push(...lines.slice(i, end + 1));
      }
      sawContent = true;
      i = end;
      continue;
    }

    if (token?.kind === 'heading') {
      const { level, text } = token;
      if (title === null && !sawContent && level === 1 && headings.length === 0) {
        // The title heading lends no phase to the sections below it, but items right under it are its own.
        title = text;
        headings.push({ level, title: text, phase: 'custom' });
        open(text, phaseOfHeading(text), null, level);
        titleSection = current;
        continue;
      }
      sawContent = true;
      while (headings.length && headings[headings.length - 1].level >= level) headings.pop();
      if (signoffLevel !== null && level <= signoffLevel) signoffLevel = null;
      const parentPhase = headings.length ? headings[headings.length - 1].phase : 'custom';
      let phase = phaseOfHeading(text);
      let role: SignoffRole | null = null;
      if (signoffLevel === null && isSignoffHeading(text)) {
        signoffLevel = level;
        phase = 'custom';
      } else if (signoffLevel !== null && level > signoffLevel) {
        role = roleOfLabel(text);
        if (role) {
          roles.add(role);
          phase = 'custom';
        }
      }
      if (phase === 'custom' && !role && signoffLevel !== level) phase = parentPhase;
      headings.push({ level, title: text, phase: role ? 'custom' : phase });
      open(text, phase, role, level);
      continue;
    }

    if (token?.kind === 'item') {
      sawContent = true;
      const section = ensureSection();
      let text = token.text;
      let required = true;
      if (optionalRe.test(text)) {
        required = false;
        text = text.replace(optionalRe, '').trim();
      }
      const node: DraftItem = { text, checked: token.checked, required, command: null, children: [] };
      while (stack.length && stack[stack.length - 1].indent >= token.indent) stack.pop();
      if (stack.length) stack[stack.length - 1].item.children.push(node);
      else section.items.push(node);
      stack.push({ indent: token.indent, item: node });
      lastItem = node;
      continue;
    }

    if (line.trim() === '') {
      if (current) descLines.push('');
      continue;
    }
    sawContent = true;
    lastItem = null;

    if (signoffLevel !== null) {
      const roleLine = roleLineRe.exec(line);
      const role = roleLine ? roleOfLabel(roleLine[1]) : null;
      if (roleLine && role && !/\[[ xX]\]/.test(line)) {
        roles.add(role);
        const rest = roleLine[2];
        const [namePart, datePart] = rest.split(/\bdate\b[ \t]*\**[ \t]*:/i);
        const name = cleanBlank(namePart.replace(/\b(name|signature|signed)\b[ \t]*\**[ \t]*:?/gi, ''));
        const date = datePart === undefined ? '' : cleanBlank(datePart);
        if (name && !signatures.some((s) => s.role === role)) signatures.push({ role, name, date: date || null });
        continue;
      }
    }
    if (ruleRe.test(line)) continue;
    if (current) descLines.push(line);
  }
  flush();

  const requiredRoles = signoffRoles.filter((r) => roles.has(r));
  return {
    title,
    sections: sections.map(({ level: _level, ...s }) => s),
    requiredRoles: requiredRoles.length ? requiredRoles : [...signoffRoles],
    signatures: signatures.sort((a, b) => signoffRoles.indexOf(a.role) - signoffRoles.indexOf(b.role)),
  };
}

function stripIndent(line: string, indent: number) {
  let i = 0;
  let w = 0;
  while (i < line.length && w < indent && (line[i] === ' ' || line[i] === '\t')) {
    w += line[i] === '\t' ? 4 - (w % 4) : 1;
    i++;
  }
  return line.slice(i);
}

function trimBlankLines(lines: string[]) {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}
