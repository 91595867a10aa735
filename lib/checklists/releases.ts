import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import type { DeploymentChecklist } from '@/lib/db/schema';

type ChecklistStatus = DeploymentChecklist['status'];

/** Releases per environment (Checklists → Releases): the newest checklists of each environment, newest first. */
export type ReleaseRow = {
  id: string;
  title: string;
  version: string | null;
  environment: string;
  commitSha: string | null;
  link: string | null;
  status: ChecklistStatus;
  deployedAt: Date | null;
  createdAt: Date;
  failedItems: number;
  openRequired: number;
};

export async function listReleasesByEnvironment(db: Db, input: { perEnvironment?: number } = {}) {
  const per = Math.min(Math.max(input.perEnvironment ?? 10, 1), 50);
  // Served by idx_deployment_checklists_environment (environment, created_at DESC) WHERE environment IS NOT NULL.
  const rows = await queryRows<{
    id: string;
    title: string;
    version: string | null;
    environment: string;
    commit_sha: string | null;
    link: string | null;
    status: ChecklistStatus;
    deployed_at: string | null;
    created_at: string;
    failed_items: number;
    open_required: number;
  }>(
    db,
    sql`SELECT c.id, c.title, c.version, c.environment, c.commit_sha, c.link, c.status, c.deployed_at, c.created_at,
          (SELECT count(*)::int FROM checklist_items i WHERE i.checklist_id = c.id AND i.required AND i.failed_at IS NOT NULL) AS failed_items,
          (SELECT count(*)::int FROM checklist_items i WHERE i.checklist_id = c.id AND i.required AND NOT i.checked) AS open_required
        FROM (SELECT d.*, row_number() OVER (PARTITION BY d.environment ORDER BY d.created_at DESC, d.id DESC) AS rn
              FROM deployment_checklists d WHERE d.environment IS NOT NULL AND NOT d.is_template) c
        WHERE c.rn <= ${per}
        ORDER BY c.environment, c.created_at DESC, c.id DESC`,
  );
  const byEnv = new Map<string, ReleaseRow[]>();
  for (const r of rows) {
    const list = byEnv.get(r.environment) ?? [];
    if (!list.length) byEnv.set(r.environment, list);
    list.push({
      id: r.id,
      title: r.title,
      version: r.version,
      environment: r.environment,
      commitSha: r.commit_sha,
      link: r.link,
      status: r.status,
      deployedAt: r.deployed_at ? new Date(r.deployed_at) : null,
      createdAt: new Date(r.created_at),
      failedItems: Number(r.failed_items),
      openRequired: Number(r.open_required),
    });
  }
  return [...byEnv].map(([environment, releases]) => ({ environment, releases }));
}
