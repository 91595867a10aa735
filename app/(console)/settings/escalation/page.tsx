import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { listUsers } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { roles } from '@/lib/db/schema/enums';
import type { EscalationStep } from '@/lib/db/schema/escalation';
import { listEscalationChannels, listEscalationPolicies, listOnCall } from '@/lib/escalation/policies';
import { SettingsTabs } from '../_components/settings-tabs';
import { DeletePolicyButton, OnCallToggle } from './_components/policy-controls';
import { PolicyForm } from './_components/policy-form';

export const metadata: Metadata = { title: 'Escalation · Settings' };

function describeStep(s: EscalationStep) {
  const after = `after ${Math.round(s.afterSeconds / 60)} min`;
  if (s.kind === 'notify') {
    const who = [s.users.join(', '), s.role && `role ${s.role}`, s.channelId && 'a channel'].filter(Boolean).join('; ');
    return `${after}: notify ${who}`;
  }
  if (s.kind === 'reassign') return `${after}: reassign to ${s.toUser ?? `whoever is on call for ${s.onCallRole}`}`;
  return `${after}: ${s.kind === 'restore' ? 'restore from the last valid checkpoint' : s.kind} (default action)`;
}

export default async function EscalationSettingsPage() {
  const me = await requirePageUser('escalation:manage');
  const db = await getDb();
  const [policies, channels, onCall, users] = await Promise.all([listEscalationPolicies(db), listEscalationChannels(db), listOnCall(db), listUsers(db)]);
  const active = users.filter((u) => !u.banned);
  return (
    <>
      <PageHeader
        title="Escalation"
        description="Deadlines for pauses nobody takes: who is notified, who it is reassigned to, and what happens by default. The first enabled policy (oldest first) that matches a pause governs it; each step runs once, counted from the pause."
      />
      <SettingsTabs user={me} active="/settings/escalation" />
      <Card title={`Policies (${policies.length})`}>
        <div className="space-y-6">
          {policies.length === 0 && (
            <EmptyState title="No policy yet: pauses wait until someone takes them">
              Add one below: who is notified or reassigned a pause after how many minutes, and what happens if nobody acts.
            </EmptyState>
          )}
          {policies.map((p) => (
            <section key={p.id} aria-label={`Policy ${p.name}`} className="space-y-2">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <h3 className="font-semibold">{p.name}</h3>
                {p.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}
                <span className="text-slate-500">
                  {p.projects.length ? p.projects.join(', ') : 'all projects'} · {p.pauseTypes.length ? p.pauseTypes.join(', ') : 'all pause types'}
                </span>
                <span className="ml-auto">
                  <DeletePolicyButton id={p.id} name={p.name} />
                </span>
              </div>
              <ol className="list-decimal pl-6 text-sm text-slate-700">
                {p.steps.map((s, i) => (
                  <li key={i}>{describeStep(s)}</li>
                ))}
              </ol>
              <details>
                <summary className="cursor-pointer text-sm text-indigo-700">Edit {p.name}</summary>
                <div className="mt-2">
                  <PolicyForm policy={{ ...p, steps: p.steps }} channels={channels} />
                </div>
              </details>
            </section>
          ))}
          <section aria-label="Add a policy">
            <h3 className="mb-2 text-sm font-semibold">Add a policy</h3>
            {/* Mounted again once a policy is created (the newest changes), so the next one starts empty. */}
            <PolicyForm key={policies.at(-1)?.id ?? 'none'} channels={channels} />
          </section>
        </div>
      </Card>
      <Card title="On call" className="mt-6">
        <p className="mb-3 text-sm text-slate-500">
          A &ldquo;reassign to whoever is on call for a role&rdquo; step picks the person of that role who has been on call the longest.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          {roles.map((role) => (
            <fieldset key={role}>
              <legend className="text-xs font-semibold uppercase text-slate-500">{role}</legend>
              <div className="mt-1 flex flex-col gap-1">
                {active.filter((u) => u.role === role).length === 0 && <span className="text-sm text-slate-400">Nobody has this role.</span>}
                {active
                  .filter((u) => u.role === role)
                  .map((u) => (
                    <OnCallToggle key={u.id} role={role} userId={u.id} email={u.email} onCall={onCall.some((o) => o.role === role && o.user_id === u.id)} />
                  ))}
              </div>
            </fieldset>
          ))}
        </div>
      </Card>
    </>
  );
}
