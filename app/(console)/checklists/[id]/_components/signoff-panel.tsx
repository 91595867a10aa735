import { clsx } from 'clsx';
import type { UserActor } from '@/lib/auth/guards';
import { can, permissionTable, signPermission } from '@/lib/auth/permissions';
import { roleLabel } from '@/lib/checklists/markdown';
import type { ChecklistDetail } from '@/lib/checklists/queries';
import { formatDateTime } from '@/lib/ui/format';
import { SignButton, WithdrawSignoff } from './signoff-controls';

/**
 * One block per required role: the standing sign-off (who, when) or what it waits for, the Sign button for
 * those who may sign it, and the sign-offs that were voided, with who voided them and why.
 */
/** `admin`, `admin or engineer`, `admin, engineer or manager`: the roles that may sign, as a sentence. */
function orList(roles: readonly string[]) {
  return roles.length <= 1 ? (roles[0] ?? 'nobody') : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
}

export function SignoffPanel({ detail, user }: { detail: ChecklistDetail; user: UserActor }) {
  const { checklist, roles, signoffs } = detail;
  const locked = checklist.isTemplate || checklist.status === 'archived';
  return (
    <ul className="space-y-3">
      {roles.map(({ role, signoff, openCount }) => {
        const label = roleLabel(role);
        const maySign = can(user.role, signPermission(role));
        const voided = signoffs.filter((s) => s.role === role && s.voidedAt).reverse();
        return (
          <li
            key={role}
            aria-label={`${label} sign-off`}
            className={clsx(
              'rounded-lg border p-3',
              signoff ? 'border-emerald-200 bg-emerald-50/60' : 'border-slate-200 bg-white',
            )}
          >
            <div className="mb-1.5 flex items-center justify-between">
              <h3 className="text-sm font-semibold text-slate-800">{label}</h3>
              {signoff ? (
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
            {signoff ? (
              <div className="space-y-1.5">
                <p className="text-xs text-slate-700">
                  Signed by <span className="font-medium">{signoff.signedByName ?? signoff.signedBy}</span> ·{' '}
                  {formatDateTime(signoff.signedAt)}
                  {signoff.note && <span className="block text-slate-500">“{signoff.note}”</span>}
                </p>
                {maySign && !locked && (
                  <WithdrawSignoff checklistId={checklist.id} signoffId={signoff.id} role={role} label={label} />
                )}
              </div>
            ) : locked ? (
              <p className="text-xs text-slate-500">
                {checklist.isTemplate ? 'Signed on checklists made from this template.' : 'Archived.'}
              </p>
            ) : maySign ? (
              <>
                <SignButton checklistId={checklist.id} role={role} label={label} disabled={openCount > 0} />
                {openCount > 0 && (
                  <p className="mt-1 text-xs text-slate-500">
                    Tick the {openCount} required item{openCount === 1 ? '' : 's'} this role covers first.
                  </p>
                )}
              </>
            ) : (
              <p className="text-xs text-slate-500">
                Not signed yet · can be signed by {orList(permissionTable[signPermission(role)] as readonly string[])}
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
