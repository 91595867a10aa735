import { recordAudit } from '@/lib/audit/log';
import { tokenScopes, type TokenScope } from '@/lib/auth/permissions';
import { createApiToken } from '@/lib/auth/tokens';
import { createDb } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { env } from '@/lib/env';
import { argValue, runCli } from './cli';

/**
 * npm run token:create -- --name N --scopes ingest,control,metrics,read,checklists [--expires-days D]
 * Prints the token once on standard output (and nothing else there, so `TOKEN=$(npm run -s token:create …)`
 * works); only its hash is stored.
 */
const usage = `usage: npm run token:create -- --name N --scopes ${tokenScopes.join(',')} [--expires-days D]`;

runCli(async () => {
  const name = argValue('name')?.trim();
  if (!name) throw new Error(`--name is missing (${usage})`);
  const scopes = (argValue('scopes') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(tokenScopes as readonly string[]).includes(s));
  if (!scopes.length || unknown.length) {
    throw new Error(`${unknown.length ? `unknown scope ${unknown.join(', ')}` : '--scopes is missing'} (${usage})`);
  }
  const days = argValue('expires-days');
  const expiresDays = days === undefined ? undefined : Number(days);
  if (expiresDays !== undefined && (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 3650)) {
    throw new Error(`--expires-days must be a whole number from 1 to 3650 (${usage})`);
  }
  const expiresAt = expiresDays ? new Date(Date.now() + expiresDays * 86_400_000) : null;

  const handle = await createDb({ url: env().DATABASE_URL });
  try {
    await migrate(handle.db);
    const { token, record } = await createApiToken(handle.db, { name, scopes: scopes as TokenScope[], expiresAt });
    await recordAudit(handle.db, {
      actor: { kind: 'system', id: 'cli', name: 'cli', via: 'job' },
      action: 'token.create',
      targetType: 'api_token',
      targetId: record.id,
      outcome: 'success',
      details: { name, scopes, prefix: record.prefix, expiresAt: expiresAt?.toISOString() ?? null, via: 'cli' },
    });
    console.error(
      `Created token "${name}" (${scopes.join(', ')}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}). ` +
        'Copy it now; it is not shown again:',
    );
    console.log(token);
  } finally {
    await handle.close();
  }
});
