import { vi } from 'vitest';

/**
 * Server actions called in-process, as the signed-in user of `actionState.session`, on `actionState.db`: Next's
 * request APIs are stubbed (no request headers, revalidation a no-op), better-auth answers with the session, and
 * `getDb()` returns the test's database. Import this module FIRST in the test file (before anything that loads
 * `@/lib/db/client`), then import the actions dynamically (`await import('./actions')`).
 */
export const actionState = {
  db: undefined as unknown,
  session: null as null | { user: Record<string, unknown>; session: Record<string, unknown> },
};

vi.mock('server-only', () => ({}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/auth/auth', () => ({ getAuth: async () => ({ api: { getSession: async () => actionState.session } }) }));
vi.mock('@/lib/db/client', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/lib/db/client')>();
  return { ...m, getDb: async () => actionState.db };
});
