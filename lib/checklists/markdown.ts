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


export {
  DEFAULT_SECTION_TITLE,
  introOf,
  phaseLabel,
  phaseOfHeading,
  roleLabel,
  type ChecklistDraft,
  type ChecklistPreview,
  type DraftItem,
  type DraftSection,
  type DraftSignature,
} from './markdown-rules';
export { parseChecklistMarkdown } from './markdown-parse';
export { previewChecklist, toMarkdown } from './markdown-export';
