import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { listFourEyesProjects } from '@/lib/checkpoints/four-eyes';
import { SettingsTabs } from '../_components/settings-tabs';
import { FourEyesToggle } from './toggle';

export const metadata: Metadata = { title: 'Restores · Settings' };

/** Four-eyes restores per project: off by default; on, every restore waits for a second engineer's approval. */
export default async function RestoresSettingsPage() {
  const me = await requirePageUser('projects:policy');
  const projects = await listFourEyesProjects(await getDb());
  return (
    <>
      <PageHeader title="Restores" description="Four-eyes: in a protected project a restore (plain, edited or bulk) waits until a second engineer approves it." />
      <SettingsTabs user={me} active="/settings/restores" />
      <Card title="Four-eyes per project">
        {projects.length === 0 ? (
          <EmptyState title="No projects yet">
            A project appears here once an agent creates a session in it (POST /api/v1/sessions). Four-eyes is off until
            you turn it on here.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {projects.map((p) => (
              <li key={p.project} className="flex items-center justify-between py-2">
                <span>
                  <span className="font-medium">{p.project}</span>
                  {p.updatedBy && <span className="ml-2 text-xs text-slate-500">last changed by {p.updatedBy}</span>}
                </span>
                <FourEyesToggle project={p.project} on={p.fourEyes} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
