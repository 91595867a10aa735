import type { FlightdeckClient } from '@/lib/api-client';

/**
 * The process hosting the simulated agents acts as one agent runner: the agents' heartbeats are gathered for a
 * moment and sent as one batch (`POST /api/v1/heartbeats`, up to 1000 sessions), so a fleet of N sessions costs one
 * request per flush instead of N. A session appears once per batch, with the latest current task it reported.
 */
export type HeartbeatRunner = {
  /** Heart-beats the session in the next batch; resolves once that batch is answered (rejects with its error). */
  beat(sessionId: string, currentTask?: string | null): Promise<void>;
};

type Pending = { currentTask?: string | null; waiters: { resolve(): void; reject(err: unknown): void }[] };

const BATCH_LIMIT = 1000;

export function createHeartbeatRunner(client: FlightdeckClient, flushMs = 200): HeartbeatRunner {
  let pending = new Map<string, Pending>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function flush() {
    timer = null;
    const batch = pending;
    pending = new Map();
    const entries = [...batch.entries()];
    for (let i = 0; i < entries.length; i += BATCH_LIMIT) {
      const chunk = entries.slice(i, i + BATCH_LIMIT);
      const settle = (fn: (w: Pending['waiters'][number]) => void) => chunk.forEach(([, p]) => p.waiters.forEach(fn));
      try {
        await client.heartbeats(chunk.map(([id, p]) => (p.currentTask === undefined ? { id } : { id, currentTask: p.currentTask })));
        settle((w) => w.resolve());
      } catch (err) {
        settle((w) => w.reject(err));
      }
    }
  }

  return {
    beat(sessionId, currentTask) {
      return new Promise<void>((resolve, reject) => {
        const p = pending.get(sessionId) ?? { waiters: [] };
        if (currentTask !== undefined) p.currentTask = currentTask;
        p.waiters.push({ resolve, reject });
        pending.set(sessionId, p);
        timer ??= setTimeout(() => void flush(), flushMs);
      });
    },
  };
}
