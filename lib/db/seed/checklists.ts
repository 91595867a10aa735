import { checklistItems, checklistSignoffs, deploymentChecklists, type ChecklistPhase, type NewChecklistItem } from '@/lib/db/schema';
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

const phaseOf: Record<string, ChecklistPhase> = {
  'pre-deployment': 'pre_deployment',
  deployment: 'deployment',
  'post-deployment': 'post_deployment',
  'rollback criteria': 'rollback_criteria',
  'rollback plan': 'rollback_criteria',
  'success criteria': 'success_criteria',
};

type ParsedItem = { phase: ChecklistPhase; sectionTitle: string; text: string };

/** `### Heading` + `- [ ] item` lines into items; a minimal reader for the seed text only. */
export function parseChecklistSections(markdown: string): ParsedItem[] {
  const items: ParsedItem[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    const heading = /^###\s+(.+?)\s*$/.exec(line);
    if (heading) section = heading[1];
    const item = /^\s*- \[[ xX]\]\s+(.+?)\s*$/.exec(line);
    if (item && section) {
      items.push({ phase: phaseOf[section.toLowerCase()] ?? 'custom', sectionTitle: section, text: item[1] });
    }
  }
  return items;
}

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

  const rows: NewChecklistItem[] = [];
  // The guide: pre-deployment done, deployment under way, post-deployment not started.
  parseChecklistSections(integrationGuideChecklist).forEach((item, i) => {
    const ticked = item.phase === 'pre_deployment' || (item.phase === 'deployment' && i < 7);
    const at = new Date(now.getTime() - (5 - i * 0.2) * day);
    rows.push({
      id: rng.uuid(),
      checklistId: guideId,
      ...item,
      position: i + 1,
      command: commands[item.text] ?? null,
      checked: ticked,
      checkedBy: ticked ? rng.pick(['alice@example.com', 'carol@example.com']) : null,
      checkedAt: ticked ? at : null,
    });
  });
  // The release: every item ticked, so QA could sign; the other roles have not yet.
  parseChecklistSections(checkoutRelease).forEach((item, i) => {
    rows.push({
      id: rng.uuid(),
      checklistId: releaseId,
      ...item,
      position: i + 1,
      checked: true,
      checkedBy: i % 2 ? 'carol@example.com' : 'dave@example.com',
      checkedAt: new Date(now.getTime() - 2 * day - (20 - i) * 600_000),
    });
  });
  await db.insert(checklistItems).values(rows);
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
