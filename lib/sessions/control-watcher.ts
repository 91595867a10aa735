import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { onSignal } from '@/lib/events/bus';
import { log } from '@/lib/log';

/**
 * One watcher per database handle (per app instance) for every held control long-poll: a held poll registers its
 * session id and sleeps on a promise; it holds no database connection. Once per interval, while any poll is held,
 * ONE statement asks for all of them at once which sessions no longer "wait" (their latest pause is resolved, the
 * session is recovering, or it is gone), and wakes those polls; each woken poll then reads its own decision
 * (lib/sessions/control.ts). So N held polls cost one query per interval, not N, and a decision made on another
 * instance arrives within about one interval. A commit on this instance wakes its polls at once through the
 * in-process signal (lib/events/bus), which the watcher subscribes to once, not once per poll.
 *
 * The state lives on globalThis (like the bus): Next bundles route handlers and server actions separately, and
 * both must see the same watcher.
 */
export const CONTROL_WATCH_INTERVAL_MS = 1000;

type Waiter = () => void;
type Watcher = {
  waiters: Map<string, Set<Waiter>>;
  timer: ReturnType<typeof setInterval> | null;
  busy: boolean;
  /** Statements the watcher has sent (tests read it: N held polls → one statement per interval). */
  queries: number;
};
type WatchState = { byDb: WeakMap<Db, Watcher>; live: Set<Watcher>; subscribed: boolean };

const globalForWatch = globalThis as unknown as { __flightdeckControlWatch?: WatchState };
const state = (globalForWatch.__flightdeckControlWatch ??= {
  byDb: new WeakMap(),
  // Watchers holding polls now, for the one in-process signal subscription (a WeakMap cannot be walked).
  live: new Set(),
  subscribed: false,
});

function watcherOf(db: Db): Watcher {
  let w = state.byDb.get(db);
  if (!w) state.byDb.set(db, (w = { waiters: new Map(), timer: null, busy: false, queries: 0 }));
  if (!state.subscribed) {
    state.subscribed = true;
    onSignal('session', (sessionId) => {
      for (const x of state.live) wake(x, sessionId);
    });
  }
  return w;
}

function wake(w: Watcher, sessionId: string) {
  const set = w.waiters.get(sessionId);
  if (set) for (const fn of [...set]) fn();
}

/** The sessions among `ids` whose control answer may no longer be `wait` (same reading as getControlDecision). */
async function changedSessions(db: Db, ids: string[]): Promise<string[]> {
  // Served by the primary key of agent_sessions and idx_paused_sessions_session (session_id, paused_at DESC).
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT w.id::text AS id
          FROM unnest(${`{${ids.join(',')}}`}::uuid[]) AS w(id)
          LEFT JOIN agent_sessions s ON s.id = w.id
         WHERE s.id IS NULL
            OR s.status = 'recovering'
            OR coalesce((SELECT p.resolved FROM paused_sessions p WHERE p.session_id = w.id
                          ORDER BY p.paused_at DESC LIMIT 1), true)`,
    { prepare: true },
  );
  return rows.map((r) => r.id);
}

async function tick(db: Db, w: Watcher) {
  if (w.busy || !w.waiters.size) return;
  w.busy = true;
  try {
    w.queries++;
    for (const id of await changedSessions(db, [...w.waiters.keys()])) wake(w, id);
  } catch (err) {
    // Each poll still ends at its own deadline and reads its decision then: a failed round only delays.
    log().warn({ err }, 'control watcher: the check of held long-polls failed');
  } finally {
    w.busy = false;
  }
}

/**
 * Resolves when `sessionId` may have a new control answer (in-process signal or the shared check), after `ms`, or
 * when `abort` fires, whichever comes first. Holds no database connection while it waits.
 */
export function waitForControlChange(
  db: Db,
  input: { sessionId: string; ms: number; signal?: AbortSignal },
): Promise<void> {
  const w = watcherOf(db);
  return new Promise((resolve) => {
    if (input.signal?.aborted) return resolve();
    const id = input.sessionId.toLowerCase();
    const done = () => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', done);
      const set = w.waiters.get(id);
      set?.delete(done);
      if (set && !set.size) w.waiters.delete(id);
      if (!w.waiters.size && w.timer) {
        clearInterval(w.timer);
        w.timer = null;
        state.live.delete(w);
      }
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, input.ms));
    input.signal?.addEventListener('abort', done, { once: true });
    let set = w.waiters.get(id);
    if (!set) w.waiters.set(id, (set = new Set()));
    set.add(done);
    state.live.add(w);
    if (!w.timer) {
      w.timer = setInterval(() => void tick(db, w), CONTROL_WATCH_INTERVAL_MS);
      w.timer.unref?.();
    }
  });
}

/** For tests: the statements a handle's watcher has sent and the sessions it holds now. */
export function controlWatcherStats(db: Db): { queries: number; sessions: number } {
  const w = state.byDb.get(db);
  return { queries: w?.queries ?? 0, sessions: w?.waiters.size ?? 0 };
}

