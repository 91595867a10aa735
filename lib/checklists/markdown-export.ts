import type { ChecklistPhase } from '@/lib/db/schema/enums';
import {
  introOf,
  isSignoffHeading,
  phaseLabels,
  phaseOfHeading,
  roleLabels,
  SIGNOFF_HEADING,
  type ChecklistDraft,
  type ChecklistPreview,
  type DraftItem,
} from './markdown-rules';

/** Checklist draft → Markdown (parseChecklistMarkdown reads it back to the same draft), and the import preview. */
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
