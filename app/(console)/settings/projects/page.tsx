import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { env } from '@/lib/env';
import { listProjectSettings } from '@/lib/projects/settings';
import { formatUsd } from '@/lib/usage/budget';
import { formatDateTime } from '@/lib/ui/format';
import { SettingsTabs } from '../_components/settings-tabs';
import { ProjectSettingsForm } from './_components/project-settings-form';
import { BurnBar } from '../../sessions/_components/usage-burn';

export const metadata: Metadata = { title: 'Projects · Settings' };

export default async function ProjectsSettingsPage() {
  const me = await requirePageUser('projects:manage');
  const projects = await listProjectSettings(await getDb());
  const defaultTimeoutS = env().HEARTBEAT_TIMEOUT_S;
  return (
    <>
      <PageHeader
        title="Projects"
        description={`Per project: how long a running session may stay silent before Flightdeck pauses it as "timeout" (default ${defaultTimeoutS} s, HEARTBEAT_TIMEOUT_S), and the budgets that pause a session as "budget" once reached — per session (a session created with its own budget uses that) and per UTC day for the whole project. Empty means the default: no limit.`}
      />
      <SettingsTabs user={me} active="/settings/projects" />
      <Card title="A project by name">
        <ProjectSettingsForm project={null} values={null} defaultTimeoutS={defaultTimeoutS} />
      </Card>
      {projects.length === 0 && (
        <div className="mt-4">
          <EmptyState title="No projects yet">
            A project appears here once an agent creates a session in it (POST /api/v1/sessions); until then, name one above to
            set its timeout and budgets in advance.
          </EmptyState>
        </div>
      )}
      {projects.map((p) => (
        <Card
          key={p.project}
          className="mt-4"
          title={p.project}
          action={<span className="text-xs text-slate-500">{p.updatedBy ? `changed by ${p.updatedBy}, ${formatDateTime(p.updatedAt)}` : 'defaults'}</span>}
        >
          <ProjectSettingsForm project={p.project} values={p} defaultTimeoutS={defaultTimeoutS} />
          <TodayUsage today={p.today} dailyCostUsd={p.dailyBudgetCostUsd} dailyTokens={p.dailyBudgetTokens} />
        </Card>
      ))}
    </>
  );
}

const tokens = (n: number) => `${Math.round(n).toLocaleString('en')} tokens`;

/** What the project has used today (UTC) against its daily budgets: a bar per budget, else the figures. */
function TodayUsage({ today, dailyCostUsd, dailyTokens }: { today: { costUsd: number; tokens: number }; dailyCostUsd: number | null; dailyTokens: number | null }) {
  const bars = [
    ...(dailyCostUsd !== null ? [{ label: 'Cost today (UTC)', used: today.costUsd, max: dailyCostUsd, fmt: formatUsd }] : []),
    ...(dailyTokens !== null ? [{ label: 'Tokens today (UTC)', used: today.tokens, max: dailyTokens, fmt: tokens }] : []),
  ];
  if (!bars.length) {
    return (
      <p className="mt-3 text-xs text-slate-500">
        Today (UTC): {formatUsd(today.costUsd)}, {tokens(today.tokens)}; no daily budget.
      </p>
    );
  }
  return (
    <ul className="mt-3 grid gap-3 md:grid-cols-2">
      {bars.map((b) => (
        <li key={b.label}>
          <BurnBar {...b} />
        </li>
      ))}
    </ul>
  );
}
