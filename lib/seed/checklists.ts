import { parseChecklistMarkdown } from '@/lib/checklists/markdown';
import { insertDraftRows } from '@/lib/checklists/store';
import { checklistSignoffs, deploymentChecklists } from '@/lib/db/schema';
import type { Db } from '@/lib/db/client';
import type { Prng } from './prng';

/**
 * The "Deployment Checklist" section of the P0 integration guide (seeds/000), kept verbatim so the seeded
 * checklist is the one operators know. Copied rather than read at run time: a clean clone has no seeds folder.
 */
export const integrationGuideChecklist = `## Deployment Checklist

### Pre-Deployment
- [ ] All tests passing (128+ tests)
- [ ] Database backup completed
- [ ] Schema migration tested in staging
- [ ] Code review completed
- [ ] Documentation updated

### Deployment
- [ ] Apply database schema (011 + 012)
- [ ] Merge feature branch to main
- [ ] Deploy updated code
- [ ] Verify retry logic active
- [ ] Monitor for errors (first 24 hours)

### Post-Deployment
- [ ] Verify database retry statistics
- [ ] Check intervention system logs
- [ ] Monitor checkpoint creation
- [ ] Validate recovery attempts
- [ ] Update monitoring dashboards
`;

const commands: Record<string, string> = {
  'Database backup completed': 'pg_dump -Fc flightdeck > flightdeck_backup.dump',
  'Apply database schema (011 + 012)': 'npm run db:migrate',
  'All tests passing (128+ tests)': 'npm test',
};

const checkoutRelease = `### Pre-Deployment
- [ ] Load test checkout at 2x peak traffic
- [ ] Feature flag payment_intents_v2 defaults to off
- [ ] Rollback runbook reviewed
### Deployment
- [ ] Canary to 5% of traffic
- [ ] Watch error budget for 30 minutes
- [ ] Ramp to 100%
### Post-Deployment
- [ ] Reconcile payments against provider report
- [ ] Close release ticket
### Rollback Criteria
- [ ] Error rate above 1% for 5 minutes
- [ ] p95 checkout latency above 800 ms
`;

export async function seedChecklists(db: Db, rng: Prng, now: Date): Promise<number> {
  const day = 86_400_000;
  const guideId = rng.uuid();
  const releaseId = rng.uuid();
  await db.insert(deploymentChecklists).values([
    {
      id: guideId,
      title: 'P0 Critical Improvements — integration',
      version: '2.4.0',
      environment: 'production',
      targetDate: new Date(now.getTime() + 3 * day).toISOString().slice(0, 10),
      status: 'in_progress',
      createdBy: 'alice@example.com',
      createdAt: new Date(now.getTime() - 6 * day),
      updatedAt: new Date(now.getTime() - 1 * day),
    },
    {
      id: releaseId,
      title: 'checkout-service 3.1 release',
      version: '3.1.0',
      environment: 'production',
      targetDate: new Date(now.getTime() + 1 * day).toISOString().slice(0, 10),
      status: 'in_progress',
      createdBy: 'bob@example.com',
      createdAt: new Date(now.getTime() - 4 * day),
      updatedAt: new Date(now.getTime() - 2 * 3_600_000),
    },
  ]);

  // The guide: pre-deployment done, deployment under way, post-deployment not started.
  const guide = parseChecklistMarkdown(integrationGuideChecklist);
  let n = 0;
  for (const section of guide.sections) {
    for (const item of section.items) {
      item.command = commands[item.text] ?? null;
      item.checked = section.phase === 'pre_deployment' || (section.phase === 'deployment' && n < 7);
      n++;
    }
  }
  await insertDraftRows(db, guideId, guide, { keepChecked: true, actorId: 'alice@example.com' });
  // The release: every item ticked, so QA could sign; the other roles have not yet.
  const release = parseChecklistMarkdown(checkoutRelease);
  for (const section of release.sections) for (const item of section.items) item.checked = true;
  await insertDraftRows(db, releaseId, release, { keepChecked: true, actorId: 'carol@example.com' });
  await db.insert(checklistSignoffs).values({
    id: rng.uuid(),
    checklistId: releaseId,
    role: 'qa',
    signedBy: 'carol@example.com',
    signedByName: 'Carol QA',
    signedAt: new Date(now.getTime() - 2 * 3_600_000),
    note: 'Regression suite green, load test within budget',
  });
  return 2;
}
