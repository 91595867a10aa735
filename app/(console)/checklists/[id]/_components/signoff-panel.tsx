import { clsx } from 'clsx';
import type { ActorOf } from '@/lib/auth/actor';
import { can, signPermission } from '@/lib/auth/permissions';
import { roleLabel } from '@/lib/checklists/markdown';
import { maySign, roleProgress, signerOf, signersText, signRefusal, type PolicyState } from '@/lib/checklists/policy';
import type { ChecklistDetail } from '@/lib/checklists/queries';
import { formatDateTime } from '@/lib/ui/format';
import { SignButton, WithdrawSignoff } from './signoff-controls';

/**
 * One block per required role: its standing sign-offs (who, when) against the number the approval policy asks
 * for, what it still waits for, the Sign button for those the policy lets sign it — disabled with the reason when
 * a rule refuses them now (the same rules the sign-off command applies, lib/checklists/policy.ts) — and the
 * sign-offs that were voided, with who voided them and why.
 */
export function SignoffPanel({ detail, user, policy }: { detail: ChecklistDetail; user: ActorOf<'user'>; policy: PolicyState }) {
  const { checklist, roles, signoffs } = detail;
  const locked = checklist.isTemplate || checklist.status === 'archived';
  const signer = signerOf(user);
  return (
    <ul className="space-y-3">
      {roles.map(({ role, openCount }) => {
        const label = roleLabel(role);
        const progress = roleProgress(policy, role);
        const done = progress.missing === null;
        const standing = signoffs.filter((s) => s.role === role && !s.voidedAt);
        const voided = signoffs.filter((s) => s.role === role && s.voidedAt).reverse();
        const eligible = maySign(policy.policy, role, signer);
        const refusal = done ? null : signRefusal(policy, role, signer);
        const blocked =
          refusal?.message ??
          (openCount > 0 ? `Tick the ${openCount} required item${openCount === 1 ? '' : 's'} this role covers first.` : null);
        return (
          <li
            key={role}
            aria-label={`${label} sign-off`}
            className={clsx('rounded-lg border p-3', done ? 'border-emerald-200 bg-emerald-50/60' : 'border-slate-200 bg-white')}
          >
            <div className="mb-1.5 flex items-center justify-between">
              <h3 className="text-sm font-semibold text-slate-800">
                {label}
                {progress.needed > 1 && (
                  <span className="ml-1.5 text-xs font-normal text-slate-500">
                    {progress.signers.length} of {progress.needed} people
                  </span>
                )}
              </h3>
              {done ? (
                <span className="text-xs font-medium text-emerald-700">✓ Signed</span>
              ) : checklist.isTemplate ? (
                <span className="text-xs text-slate-500">Required</span>
              ) : openCount > 0 ? (
                <span className="text-xs text-amber-700">
                  {openCount} open item{openCount === 1 ? '' : 's'}
                </span>
              ) : (
                <span className="text-xs text-slate-500">Ready to sign</span>
              )}
            </div>
            {standing.map((s) => (
              <div key={s.id} className="mb-1.5 space-y-1.5">
                <p className="text-xs text-slate-700">
                  Signed by <span className="font-medium">{s.signedByName ?? s.signedBy}</span> · {formatDateTime(s.signedAt)}
                  {s.note && <span className="block text-slate-500">“{s.note}”</span>}
                </p>
                {can(user.role, signPermission(role)) && !locked && (
                  <WithdrawSignoff checklistId={checklist.id} signoffId={s.id} role={role} label={label} />
                )}
              </div>
            ))}
            {done ? null : locked ? (
              <p className="text-xs text-slate-500">
                {checklist.isTemplate
                  ? `Signed on checklists made from this template by ${signersText(policy.policy, role)}.`
                  : 'Archived.'}
              </p>
            ) : eligible ? (
              <>
                <SignButton
                  checklistId={checklist.id}
                  role={role}
                  label={label}
                  disabled={blocked !== null}
                  named={!can(user.role, signPermission(role))}
                />
                {blocked && (
                  <p className="mt-1 text-xs text-slate-500" role="note" aria-label={`Why ${label} cannot be signed`}>
                    {blocked}
                  </p>
                )}
                {progress.missing && <p className="mt-1 text-xs text-slate-500">Waiting for {progress.missing.slice(label.length + 2)}</p>}
              </>
            ) : (
              <p className="text-xs text-slate-500">
                {standing.length ? 'Not complete' : 'Not signed yet'} · can be signed by {signersText(policy.policy, role)}
                {progress.needed > 1 && ` (${progress.needed} people)`}
              </p>
            )}
            {voided.length > 0 && (
              <ul className="mt-2 space-y-1 border-t border-slate-200 pt-2" aria-label={`Voided ${label} sign-offs`}>
                {voided.map((v) => (
                  <li key={v.id} className="text-xs text-slate-500">
                    <span className="line-through">
                      Signed by {v.signedByName ?? v.signedBy} · {formatDateTime(v.signedAt)}
                    </span>
                    <span className="block text-red-700">
                      Voided by {v.voidedByName ?? v.voidedBy ?? 'someone'} · {formatDateTime(v.voidedAt)}
                    </span>
                    {v.voidReason && <span className="block">{v.voidReason}</span>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
