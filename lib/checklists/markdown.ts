import { signoffRoles, type ChecklistPhase, type SignoffRole } from '@/lib/db/schema/enums';

/**
 * Markdown ⇄ checklist draft. The import is deliberately forgiving: the seeds are whole design documents with
 * prose, tables, code and broken encoding around the checklist, and none of that may crash or be "repaired".
 *
 * Rules (the model is what round-trips: parseChecklistMarkdown(toMarkdown(d)) deep-equals d for a parsed d):
 * - A heading becomes a section when it has checkbox items of its own, or when it is a rollback / success criteria
 *   heading with prose (the seeds keep rollback criteria as plain bullets). Other headings only lend their phase
 *   to sub-headings whose own title says nothing ("### Monitoring Setup" under "## Post-Deployment Validation").
 * - The first heading, when it is a level-1 heading before any item, is the title, not a section.
 * - `- [ ]`, `* [ ]`, `+ [ ]`, `1. [ ]` are items; `[x]`/`[X]` checked. Deeper indentation makes a sub-item.
 *   "(optional)" at the start of the text makes the item optional.
 * - A fenced block right after an item (blank lines allowed) is that item's command.
 * - Everything else inside a section (prose, plain bullets, tables, unrelated code) is its description, verbatim,
 *   minus thematic breaks and leading/trailing blank lines.
 * - A "Sign-Off" / "Approvals" heading opens the sign-off block: role lines ("QA: Jane Doe  Date: 2025-01-02",
 *   "Development: ____ Date: ____") and role sub-headings ("### QA Team" with its items) name the required roles.
 *   Without a block, all four roles are required.
 */

export type DraftItem = {
  text: string;
  checked: boolean;
  required: boolean;
  command: string | null;
  /** The command fence's info string (```bash → 'bash'); absent when the fence had none. */
  commandLanguage?: string | null;
  children: DraftItem[];
};

export type DraftSection = {
  title: string;
  phase: ChecklistPhase;
  description: string | null;
  /** Set on a sign-off role's own section: only that role's sign-off covers it. */
  signoffRole: SignoffRole | null;
  items: DraftItem[];
};

export type DraftSignature = { role: SignoffRole; name: string; date: string | null };

export type ChecklistDraft = {
  title: string | null;
  sections: DraftSection[];
  /** Canonical order (development, qa, devops, production), never empty. */
  requiredRoles: SignoffRole[];
  /** Names already written into the document's sign-off block. */
  signatures: DraftSignature[];
};

export type ChecklistPreview = {
  title: string | null;
  /** The prose under the title (not counted as a section). */
  intro: string | null;
  sections: {
    title: string;
    phase: ChecklistPhase;
    signoffRole: SignoffRole | null;
    items: number;
    required: number;
    checked: number;
    subItems: number;
    commands: number;
    hasDescription: boolean;
  }[];
  totals: { sections: number; items: number; checked: number; subItems: number; commands: number; required: number };
  requiredRoles: SignoffRole[];
  signatures: DraftSignature[];
};

export const DEFAULT_SECTION_TITLE = 'Checklist';
const SIGNOFF_HEADING = 'Sign-Off';

const phaseLabels: Record<ChecklistPhase, string> = {
  pre_deployment: 'Pre-Deployment',
  deployment: 'Deployment',
  post_deployment: 'Post-Deployment',
  rollback_criteria: 'Rollback Criteria',
  success_criteria: 'Success Criteria',
  custom: 'Other',
};

const roleLabels: Record<SignoffRole, string> = {
  development: 'Development',
  qa: 'QA',
  devops: 'DevOps',
  production: 'Production',
};

export function phaseLabel(phase: ChecklistPhase) {
  return phaseLabels[phase];
}

export function roleLabel(role: SignoffRole) {
  return roleLabels[role];
}

/** The phase a heading names, or 'custom'. Order matters: "Post-Deployment" also contains "deployment". */
export function phaseOfHeading(title: string): ChecklistPhase {
  const t = title.toLowerCase();
  if (/roll\s*-?back|\brevert/.test(t)) return 'rollback_criteria';
  if (/success|acceptance|definition of done|done when/.test(t)) return 'success_criteria';
  if (/post[\s-]*(deploy|release|launch)|after (deploy|release)/.test(t)) return 'post_deployment';
  if (/pre[\s-]*(deploy|release|launch|flight)|before (deploy|release)|prerequisite/.test(t)) return 'pre_deployment';
  if (/deploy|release|roll\s*-?out|go[\s-]*live|cut\s*-?over|launch/.test(t)) return 'deployment';
  return 'custom';
}

function isSignoffHeading(title: string) {
  return /sign[\s-]*offs?\b|approvals?\b|signatures?\b/i.test(title);
}

function roleOfLabel(label: string): SignoffRole | null {
  const t = label.toLowerCase();
  if (/dev\s*-?ops|\bops\b|operations|\bsre\b|infra/.test(t)) return 'devops';
  if (/\bqa\b|quality|\btest/.test(t)) return 'qa';
  if (/prod|release manager|\bmanager|business/.test(t)) return 'production';
  if (/develop|engineer|\bdev\b/.test(t)) return 'development';
  return null;
}

/**
 * The prose between the title and the first section: the import keeps it as a section named like the title, with
 * no items (so export and round trip need nothing else); the preview and the page show it as the intro.
 */
export function introOf(d: { title: string | null; sections: readonly { title: string; description: string | null; signoffRole: SignoffRole | null; items: readonly unknown[] }[] }) {
  const first = d.sections[0];
  return first && d.title !== null && first.title === d.title && first.items.length === 0 && !first.signoffRole ? first.description : null;
}

// ---------------------------------------------------------------- parsing

const headingRe = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const itemRe = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$/;
const fenceRe = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
const ruleRe = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const optionalRe = /^\(optional\)[ \t]*/i;
// "QA: Jane Doe  Date: 2025-01-02", "- **Development Lead:** ____ Date: ____"
const roleLineRe = /^[ \t]*(?:[-*+][ \t]+)?\**[ \t]*([A-Za-z][A-Za-z &/-]{0,40}?)[ \t]*\**[ \t]*:[ \t]*\**(.*)$/;

function indentWidth(ws: string) {
  let w = 0;
  for (const ch of ws) w += ch === '\t' ? 4 - (w % 4) : 1;
  return w;
}

function cleanBlank(s: string) {
  return s.replace(/[_*]+/g, ' ').replace(/\s+/g, ' ').trim();
}

type OpenSection = DraftSection & { level: number };

export function parseChecklistMarkdown(markdown: string): ChecklistDraft {
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
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
  let lastItem: { item: DraftItem; indent: number } | null = null;

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

    const fence = fenceRe.exec(line);
    if (fence) {
      const [, ws, marker, info] = fence;
      // A backtick fence's info string may not contain backticks (CommonMark); such a line is inline code.
      if (!(marker[0] === '`' && info.includes('`'))) {
        const indent = indentWidth(ws);
        const body: string[] = [];
        let j = i + 1;
        let closed = false;
        for (; j < lines.length; j++) {
          const close = /^([ \t]*)(`{3,}|~{3,})[ \t]*$/.exec(lines[j]);
          if (close && close[2][0] === marker[0] && close[2].length >= marker.length) {
            closed = true;
            break;
          }
          body.push(lines[j]);
        }
        const end = closed ? j : lines.length - 1;
        if (lastItem && lastItem.item.command === null && current) {
          lastItem.item.command = body.map((b) => stripIndent(b, indent)).join('\n');
          if (info.trim()) lastItem.item.commandLanguage = info.trim();
          lastItem = null;
        } else if (current) {
          descLines.push(...lines.slice(i, end + 1));
        }
        sawContent = true;
        i = end;
        continue;
      }
    }

    const heading = headingRe.exec(line);
    if (heading) {
      const level = heading[1].length;
      const text = heading[2].trim();
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

    const item = itemRe.exec(line);
    if (item) {
      sawContent = true;
      const section = ensureSection();
      const indent = indentWidth(item[1]);
      let text = (item[3] ?? '').trim();
      let required = true;
      if (optionalRe.test(text)) {
        required = false;
        text = text.replace(optionalRe, '').trim();
      }
      const node: DraftItem = { text, checked: item[2] !== ' ', required, command: null, children: [] };
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      if (stack.length) stack[stack.length - 1].item.children.push(node);
      else section.items.push(node);
      stack.push({ indent, item: node });
      lastItem = { item: node, indent };
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

// ---------------------------------------------------------------- export

export function toMarkdown(draft: ChecklistDraft): string {
  const out: string[] = [];
  if (draft.title !== null) out.push(`# ${draft.title}`, '');
  let groupPhase: ChecklistPhase | null = null;
  let signoffWritten = false;

  const writeSignoffBlock = () => {
    out.push(`## ${SIGNOFF_HEADING}`, '');
    for (const role of draft.requiredRoles) {
      const sig = draft.signatures.find((s) => s.role === role);
      out.push(`${roleLabels[role]}: ${sig ? sig.name : '____'} Date: ${sig?.date ?? '____'}`);
    }
    out.push('');
    signoffWritten = true;
  };

  draft.sections.forEach((section, index) => {
    const isTitleSection =
      index === 0 &&
      draft.title !== null &&
      section.title === draft.title &&
      !section.signoffRole &&
      section.phase === phaseOfHeading(section.title);
    if (isTitleSection) {
      // Written straight under the title heading, which is where the import found it.
    } else if (section.signoffRole) {
      if (!signoffWritten) writeSignoffBlock();
      out.push(`### ${section.title}`, '');
      groupPhase = null;
    } else if (phaseOfHeading(section.title) === section.phase && !isSignoffHeading(section.title)) {
      out.push(`## ${section.title}`, '');
      groupPhase = null;
    } else {
      // The title alone would not give the phase back: nest it under a heading that does.
      if (groupPhase !== section.phase) {
        out.push(`## ${section.phase === 'custom' ? 'Notes' : phaseLabels[section.phase]}`, '');
        groupPhase = section.phase;
      }
      out.push(`### ${section.title}`, '');
    }
    if (section.description !== null) out.push(section.description, '');
    writeItems(out, section.items, 0);
    if (section.items.length) out.push('');
  });
  if (!signoffWritten) writeSignoffBlock();
  return out.join('\n');
}

function writeItems(out: string[], items: DraftItem[], depth: number) {
  const pad = '  '.repeat(depth);
  for (const item of items) {
    const text = (item.required ? '' : '(optional) ') + item.text;
    out.push(`${pad}- [${item.checked ? 'x' : ' '}]${text ? ` ${text}` : ''}`.trimEnd());
    if (item.command !== null) {
      const longest = Math.max(2, ...[...item.command.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = '`'.repeat(longest + 1);
      out.push(`${pad}  ${fence}${item.commandLanguage ?? ''}`);
      for (const l of item.command.split('\n')) out.push(l === '' ? '' : `${pad}  ${l}`);
      out.push(`${pad}  ${fence}`);
    }
    writeItems(out, item.children, depth + 1);
  }
}

// ---------------------------------------------------------------- preview

export function previewChecklist(draft: ChecklistDraft): ChecklistPreview {
  const intro = introOf(draft);
  const sections = draft.sections.slice(intro === null ? 0 : 1).map((s) => {
    const c = { items: 0, required: 0, checked: 0, subItems: 0, commands: 0 };
    const walk = (items: DraftItem[], depth: number) => {
      for (const it of items) {
        c.items++;
        if (it.required) c.required++;
        if (it.checked) c.checked++;
        if (depth > 0) c.subItems++;
        if (it.command !== null) c.commands++;
        walk(it.children, depth + 1);
      }
    };
    walk(s.items, 0);
    return { title: s.title, phase: s.phase, signoffRole: s.signoffRole, hasDescription: s.description !== null, ...c };
  });
  const sum = (k: 'items' | 'checked' | 'subItems' | 'commands' | 'required') =>
    sections.reduce((n, s) => n + s[k], 0);
  return {
    title: draft.title,
    intro,
    sections,
    totals: {
      sections: sections.length,
      items: sum('items'),
      checked: sum('checked'),
      subItems: sum('subItems'),
      commands: sum('commands'),
      required: sum('required'),
    },
    requiredRoles: draft.requiredRoles,
    signatures: draft.signatures,
  };
}
