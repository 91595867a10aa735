import type { Db } from './client';

/**
 * Calls made in the same turn of the event loop, on the same database handle, run as ONE call of `run` with all
 * their inputs (up to `max` at a time), each caller getting its own output — a group commit for statements that
 * hundreds of requests a second send one row at a time (a fleet's heartbeats and control checks). Under light
 * load a call is alone in its turn and runs as before, one `setImmediate` later; under load N calls cost one
 * statement, one pool slot and one socket write instead of N (with one slot per statement, the pool's throughput
 * was bound by event-loop turns: 5,000 agents queued thousands of callers, docs/benchmarks-fleet.md).
 *
 * `run` gets the inputs in arrival order and must return one output per input, in the same order. If it throws,
 * every call of that group is rejected with the error (they shared one statement). Never inside a transaction:
 * a caller's transaction has its own connection, so such calls go straight to `run` alone.
 */
export function coalesced<I, O>(run: (db: Db, inputs: I[]) => Promise<O[]>, options: { max?: number } = {}) {
  const max = options.max ?? 1000;
  type Waiting = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  const queues = new WeakMap<Db, Waiting[]>();

  const flush = (db: Db) => {
    const queue = queues.get(db) ?? [];
    const group = queue.splice(0, max);
    if (queue.length) setImmediate(() => flush(db));
    else queues.delete(db);
    if (!group.length) return;
    run(
      db,
      group.map((w) => w.input),
    ).then(
      (outputs) => {
        if (outputs.length !== group.length) {
          const err = new Error(`coalesced: ${outputs.length} outputs for ${group.length} inputs`);
          for (const w of group) w.reject(err);
        } else group.forEach((w, i) => w.resolve(outputs[i]));
      },
      (err) => {
        for (const w of group) w.reject(err);
      },
    );
  };

  return (db: Db, input: I, options: { inTransaction?: boolean } = {}): Promise<O> => {
    if (options.inTransaction) return run(db, [input]).then((o) => o[0]);
    return new Promise<O>((resolve, reject) => {
      let queue = queues.get(db);
      if (!queue) {
        queues.set(db, (queue = []));
        setImmediate(() => flush(db));
      }
      queue.push({ input, resolve, reject });
    });
  };
}
