import type { Actor } from '@/lib/auth/actor';
import { permissionTable, signPermission } from '@/lib/auth/permissions';
import type { Role, SignoffRole } from '@/lib/db/schema/enums';
import { roleLabel } from './markdown';
import type { ApprovalPolicy, RolePolicy } from './policy-types';

/**
 * The approval policy's rules as pure functions over a checklist's state, shared by the sign-off command (which
 * refuses), the sign-off panel (which explains a disabled button) and the gate (which lists what is missing), so
 * the three can never disagree.
 *
 * - distinct people: a role needs `count` standing sign-offs, each by another person;
 * - named signers: a role may be signed by members of its console roles (default: the permission table's) or by
 *   the people named in the policy;
 * - one role per person (`oneRolePerPerson`): nobody signs two roles of one checklist;
 * - no self-review (`noSelfReview`): someone who ticked items of a section cannot be the only person whose
 *   sign-offs cover it. Checked when the sign-off that completes the section's covering roles is given: if all of
 *   them would then be the ticker's own, it is refused.
 */

export type PolicyState = {
  requiredRoles: readonly SignoffRole[];
  policy: ApprovalPolicy | null;
  standing: readonly { role: SignoffRole; signedBy: string; signedByName: string | null }[];
  sections: readonly { id: string; title: string; signoffRole: SignoffRole | null }[];
  /** Who ticked the section's (currently ticked) items. */
  tickers: readonly { sectionId: string; userId: string }[];
};

export type Signer = { id: string; email: string | null; role: Role | null; name: string };

export type PolicyRefusal = {
  reason: 'not_eligible' | 'already_signed' | 'one_role_per_person' | 'self_review';
  message: string;
};

export type ResolvedRolePolicy = { count: number; consoleRoles: readonly Role[]; users: readonly string[] };

export function signerOf(actor: Actor): Signer {
  return actor.kind === 'user'
    ? { id: actor.id, email: actor.email.toLowerCase(), role: actor.role, name: actor.name }
    : { id: actor.id, email: null, role: null, name: actor.name };
}

export function rolePolicy(policy: ApprovalPolicy | null, role: SignoffRole): ResolvedRolePolicy {
  const p: Partial<RolePolicy> = policy?.roles[role] ?? {};
  return {
    count: p.count ?? 1,
    consoleRoles: p.consoleRoles ?? (permissionTable[signPermission(role)] as readonly Role[]),
    users: p.users ?? [],
  };
}

/** `admin, engineer or qa`: a list as a sentence. */
export function orList(values: readonly string[]) {
  return values.length <= 1 ? (values[0] ?? 'nobody') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** Who may sign the role, as a sentence: "admin or manager, or ann@example.com". */
export function signersText(policy: ApprovalPolicy | null, role: SignoffRole) {
  const p = rolePolicy(policy, role);
  const parts = [p.consoleRoles.length ? orList(p.consoleRoles) : null, p.users.length ? orList(p.users) : null];
  return parts.filter(Boolean).join(', or ') || 'nobody';
}

export function maySign(policy: ApprovalPolicy | null, role: SignoffRole, signer: Signer) {
  // A checklist without a policy keeps the old rule: whoever the guard let through (tokens and the system too).
  if (!policy && signer.role === null) return true;
  const p = rolePolicy(policy, role);
  return (signer.role !== null && p.consoleRoles.includes(signer.role)) || (!!signer.email && p.users.includes(signer.email));
}

function coveringRoles(state: PolicyState, section: PolicyState['sections'][number]) {
  return state.requiredRoles.filter((r) => section.signoffRole === null || section.signoffRole === r);
}

/** Why `signer` may not sign `role` now (the items-open check is the command's), or null. */
export function signRefusal(state: PolicyState, role: SignoffRole, signer: Signer): PolicyRefusal | null {
  const label = roleLabel(role);
  const { policy } = state;
  if (!maySign(policy, role, signer)) {
    return { reason: 'not_eligible', message: `${label} can be signed by ${signersText(policy, role)} only` };
  }
  const mine = state.standing.filter((s) => s.signedBy === signer.id);
  if (mine.some((s) => s.role === role)) return { reason: 'already_signed', message: `You have already signed ${label}` };
  const { count } = rolePolicy(policy, role);
  const have = state.standing.filter((s) => s.role === role).length;
  if (have >= count) {
    return {
      reason: 'already_signed',
      message: count === 1 ? `${label} has already signed off` : `${label} already has its ${count} sign-offs`,
    };
  }
  const other = mine.find((s) => s.role !== role);
  if (policy?.oneRolePerPerson && other) {
    return {
      reason: 'one_role_per_person',
      message: `You signed ${roleLabel(other.role)} already: the policy asks a different person for each role`,
    };
  }
  if (policy?.noSelfReview) {
    const after = [...state.standing, { role, signedBy: signer.id, signedByName: signer.name }];
    for (const section of state.sections) {
      const covering = coveringRoles(state, section);
      if (!covering.includes(role)) continue;
      if (!state.tickers.some((t) => t.sectionId === section.id && t.userId === signer.id)) continue;
      const full = covering.every((r) => after.filter((s) => s.role === r).length >= rolePolicy(policy, r).count);
      const coverers = after.filter((s) => covering.includes(s.role));
      if (full && coverers.every((s) => s.signedBy === signer.id)) {
        return {
          reason: 'self_review',
          message: `You ticked items of "${section.title}": someone else must sign off a role covering it`,
        };
      }
    }
  }
  return null;
}

export type RoleProgress = {
  role: SignoffRole;
  needed: number;
  signers: { id: string; name: string }[];
  /** What the role still waits for, as a sentence, or null when it has its sign-offs. */
  missing: string | null;
};

export function roleProgress(state: PolicyState, role: SignoffRole): RoleProgress {
  const needed = rolePolicy(state.policy, role).count;
  const signers = state.standing
    .filter((s) => s.role === role)
    .map((s) => ({ id: s.signedBy, name: s.signedByName ?? s.signedBy }));
  const left = needed - signers.length;
  const missing =
    left <= 0
      ? null
      : `${roleLabel(role)}: ${left} more sign-off${left === 1 ? '' : 's'} (${signers.length} of ${needed}) by ${signersText(state.policy, role)}${
          signers.length && needed > 1 ? ', someone other than ' + orList(signers.map((s) => s.name)) : ''
        }`;
  return { role, needed, signers, missing };
}

export function policySatisfied(state: PolicyState) {
  return state.requiredRoles.every((r) => roleProgress(state, r).missing === null);
}
