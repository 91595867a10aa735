import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Db, DbHandle } from '@/lib/db/client';
import { log } from '@/lib/log';
import { onSignal } from './bus';

/**
 * Live updates for open console pages. A transition calls `notifyLiveInTx` inside its transaction: Postgres
 * delivers the NOTIFY on commit to every app instance LISTENing (so a pause taken by instance A shows on a page
 * served by instance B), and drops it on rollback. PGlite is one process, so there the in-process bus
 * (signalSession) is the source; the NOTIFY is harmless. Subscribers get both and may see an event twice;
 * consumers debounce.
 */
export const LIVE_CHANNEL = 'flightdeck_live';

export type LiveEvent = { topic: 'interventions' | 'session' | 'notifications'; sessionId?: string };

export async function notifyLiveInTx(tx: Db, event: LiveEvent) {
  await tx.execute(sql`SELECT pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(event)})`);
}

type LiveState = { emitter: EventEmitter; listening?: Promise<void>; busOff?: () => void };
const globalForLive = globalThis as unknown as { __flightdeckLive?: LiveState };

function state(): LiveState {
  return (globalForLive.__flightdeckLive ??= { emitter: new EventEmitter().setMaxListeners(10_000) });
}

function parse(payload: string): LiveEvent | null {
  try {
    const e = JSON.parse(payload) as LiveEvent;
    return typeof e?.topic === 'string' ? e : null;
  } catch {
    return null;
  }
}

/**
 * Calls `fn` for every live event until the returned function is called. The first subscriber starts one
 * LISTEN connection per process (postgres.js re-listens after a reconnect) and one bus listener.
 */
export async function subscribeLive(handle: DbHandle, fn: (e: LiveEvent) => void): Promise<() => void> {
  const s = state();
  s.busOff ??= onSignal('session', (sessionId) => s.emitter.emit('event', { topic: 'session', sessionId } satisfies LiveEvent));
  if (handle.kind === 'postgres' && handle.sql && !s.listening) {
    s.listening = handle.sql
      .listen(LIVE_CHANNEL, (payload) => {
        const e = parse(payload);
        if (e) s.emitter.emit('event', e);
      })
      .then(() => undefined)
      .catch((err) => {
        s.listening = undefined;
        log().error({ err }, `LISTEN ${LIVE_CHANNEL} failed`);
      });
  }
  await s.listening;
  s.emitter.on('event', fn);
  return () => s.emitter.off('event', fn);
}
