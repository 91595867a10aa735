import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import Link from 'next/link';
import { listFourEyesProjects, listPendingRestores } from '@/lib/checkpoints/four-eyes';
import { formatDateTime } from '@/lib/ui/format';
import { SettingsTabs } from '../_components/settings-tabs';
import { FourEyesToggle } from './toggle';

export const metadata: Metadata = { title: 'Restores · Settings' };

/** Four-eyes restores per project: off by default; on, every restore waits for a second engineer's approval. */
export default async function RestoresSettingsPage() {
  const me = await requirePageUser('projects:policy');
  const db = await getDb();
  const [projects, pending] = await Promise.all([listFourEyesProjects(db), listPendingRestores(db)]);
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
      <Card className="mt-4" title={`Awaiting a second engineer (${pending.length})`}>
        {pending.length === 0 ? (
          <p className="text-sm text-slate-500">No restore is waiting for approval. In a four-eyes project, a restore shows here until a second engineer approves or rejects it in the inbox.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {pending.map((r) => (
              <li key={r.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                <span>
                  <Link href={`/sessions/${r.sessionId}`} className="font-medium text-indigo-700 hover:underline">
                    {r.project} · {r.agent}
                  </Link>
                  <span className="ml-2 text-slate-600">to checkpoint #{r.sequence}, requested by {r.requestedBy}, {formatDateTime(r.createdAt)}</span>
                  {r.note && <span className="block text-xs text-slate-500">“{r.note}”</span>}
                </span>
                <Link href="/interventions" className="text-xs text-indigo-700 hover:underline">
                  Approve or reject in the inbox →
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
