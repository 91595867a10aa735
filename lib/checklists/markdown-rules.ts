import type { ChecklistPhase, SignoffRole } from '@/lib/db/schema/enums';

/** The checklist draft model and Flightdeck's reading of headings: phase, sign-off block, roles. */

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
export const SIGNOFF_HEADING = 'Sign-Off';

export const phaseLabels: Record<ChecklistPhase, string> = {
  pre_deployment: 'Pre-Deployment',
  deployment: 'Deployment',
  post_deployment: 'Post-Deployment',
  rollback_criteria: 'Rollback Criteria',
  success_criteria: 'Success Criteria',
  custom: 'Other',
};

export const roleLabels: Record<SignoffRole, string> = {
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

export function isSignoffHeading(title: string) {
  return /sign[\s-]*offs?\b|approvals?\b|signatures?\b/i.test(title);
}

export function roleOfLabel(label: string): SignoffRole | null {
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
