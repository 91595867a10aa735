import { Card } from '@/components/ui/card';
import { roleLabel } from '@/lib/checklists/markdown';
import { rolePolicy, signersText } from '@/lib/checklists/policy';
import type { DeploymentChecklist } from '@/lib/db/schema';
import type { SignoffRole } from '@/lib/db/schema/enums';
import { PolicyForm } from './policy-form';

/**
 * The approval policy: on a template, editable by those with `checklists:policy` (admin, QA lead); on a checklist,
 * the copy it was made with (read-only: a release under way keeps its rules).
 */
export function PolicyCard({ checklist, canEdit }: { checklist: DeploymentChecklist; canEdit: boolean }) {
  const policy = checklist.approvalPolicy ?? null;
  const required = checklist.requiredRoles as SignoffRole[];
  return (
    <Card title="Approval policy">
      <ul className="space-y-1 text-xs text-slate-700" aria-label="Approval rules">
        {required.map((r) => {
          const p = rolePolicy(policy, r);
          return (
            <li key={r}>
              <span className="font-medium">{roleLabel(r)}</span>: {p.count} {p.count === 1 ? 'person' : 'different people'} ·{' '}
              {signersText(policy, r)}
            </li>
          );
        })}
        <li>{policy?.oneRolePerPerson ? 'Each role by a different person' : 'One person may sign several roles'}</li>
        <li>{policy?.noSelfReview ? 'No self-review: who ticked a section is not its only sign-off' : 'Self-review allowed'}</li>
      </ul>
      {canEdit && (
        <PolicyForm
          templateId={checklist.id}
          required={required}
          noSelfReview={policy?.noSelfReview ?? false}
          oneRolePerPerson={policy?.oneRolePerPerson ?? false}
          roles={Object.fromEntries(
            (['development', 'qa', 'devops', 'production'] as const).map((r) => {
              const p = rolePolicy(policy, r);
              return [r, { count: p.count, consoleRoles: [...p.consoleRoles], users: [...p.users] }];
            }),
          )}
        />
      )}
    </Card>
  );
}
