import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, env } from '@/lib/env';

/**
 * The secret that signs session cookies. Production must set BETTER_AUTH_SECRET; in development and the demo
 * a random one is created once under ./.data so sign-ins survive restarts without any set-up. Start-up already
 * refuses production without it (assertProductionConfig); the throw here guards any other way in.
 */
export function authSecret(): string {
  const e = env();
  if (e.BETTER_AUTH_SECRET) return e.BETTER_AUTH_SECRET;
  if (e.NODE_ENV === 'production' && !e.FLIGHTDECK_DEMO) {
    throw new ConfigError('Invalid configuration: BETTER_AUTH_SECRET is required in production (32+ random characters)');
  }
  const file = path.resolve('.data', 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
