import { ConfigError } from '@/lib/env';
import { DataDirLockedError } from './pglite-lock';
import { MigrationError } from './migrate';

/** One line that says what is wrong at start-up, for people reading a terminal; never a stack trace. */
export function describeStartupError(err: unknown): string {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof MigrationError) {
    return err.message;
  }
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; severity?: string };
  const code = e?.code;
  if (code === 'ECONNREFUSED')
    return `Cannot reach the database server${e.address ? ` at ${e.address}:${e.port}` : ''}: connection refused. Is Postgres running, and is DATABASE_URL right?`;
  if (code === 'CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return `Cannot reach the database server: connect timed out (DB_CONNECT_TIMEOUT_S). Is DATABASE_URL right?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `Cannot resolve the database host in DATABASE_URL (${e.message}).`;
  if (code === '28P01' || code === '28000') return `The database refused the log-in: ${e.message}. Check DATABASE_URL.`;
  if (code === '3D000') return `The database does not exist: ${e.message}. Create it or fix DATABASE_URL.`;
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err);
}
