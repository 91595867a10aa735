import { Badge, type Tone } from '@/components/ui/badge';
import { roleLabel } from '@/lib/checklists/markdown';
import type { SignoffRole } from '@/lib/db/schema/enums';

const statusTones: Record<string, Tone> = {
  draft: 'gray',
  in_progress: 'violet',
  signed_off: 'green',
  live: 'blue',
  archived: 'gray',
};

export function ChecklistStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTones[status] ?? 'gray'}>{status.replace(/_/g, ' ')}</Badge>;
}

/** One pill per required role: green with a tick once that role's sign-off stands. */
export function SignedRoles({ required, signed }: { required: SignoffRole[]; signed: SignoffRole[] }) {
  return (
    <div className="flex flex-wrap gap-1">
      {required.map((role) => {
        const ok = signed.includes(role);
        return (
          <Badge key={role} tone={ok ? 'green' : 'gray'}>
            <span aria-hidden>{ok ? '✓ ' : ''}</span>
            {roleLabel(role)}
            <span className="sr-only">{ok ? ' signed' : ' not signed'}</span>
          </Badge>
        );
      })}
    </div>
  );
}
