import type { Db } from '@/lib/db/client';
import type { Role } from '@/lib/db/schema/enums';
import { createUser } from './users';

/** One user per role for the demo. Their passwords are public, so they are refused in production (see guards). */
export const demoUsers: { email: string; name: string; role: Role; password: string }[] = [
  { email: 'admin@flightdeck.local', name: 'Ada Admin', role: 'admin', password: 'demo-admin-pass' },
  { email: 'engineer@flightdeck.local', name: 'Eli Engineer', role: 'engineer', password: 'demo-engineer-pass' },
  { email: 'qa@flightdeck.local', name: 'Quinn QA', role: 'qa', password: 'demo-qa-pass-1' },
  { email: 'manager@flightdeck.local', name: 'Mia Manager', role: 'manager', password: 'demo-manager-pass' },
  { email: 'viewer@flightdeck.local', name: 'Vic Viewer', role: 'viewer', password: 'demo-viewer-pass' },
];

export const DEMO_EMAIL_DOMAIN = '@flightdeck.local';

export async function seedDemoUsers(db: Db) {
  let created = 0;
  for (const u of demoUsers) if ((await createUser(db, u)).ok) created++;
  return created;
}
