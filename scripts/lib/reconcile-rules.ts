/**
 * The reconcile rules of a fleet run (npm run soak, npm run cluster), pure so that a test can feed them fabricated
 * records (scripts/lib/reconcile-rules.test.ts): what the API accepted against what the database holds, each
 * interval pass against its interval, each outbox delivery against what the receiver got.
 */

/** Nearest-rank percentile (0 for no samples). */
export function pct(xs: number[], p: number) {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Every accepted id must be stored exactly once: absent is lost, more than once is duplicated (the extra copies). */
export function judgeIds(what: string, accepted: string[], stored: Map<string, number>) {
  const details: string[] = [];
  let lost = 0;
  let duplicated = 0;
  for (const id of new Set(accepted)) {
    const n = stored.get(id) ?? 0;
    if (n === 0) {
      lost++;
      details.push(`lost ${what}: ${id}`);
    } else if (n > 1) {
      duplicated += n - 1;
      details.push(`duplicated ${what}: ${id} ×${n}`);
    }
  }
  return { lost, duplicated, details };
}

export type PassRun = { job: string; slot: number; instance: string; startedAt: number; finishedAt: number | null; error: string | null };

export type PassVerdict = {
  job: string;
  everyMs: number;
  runs: number;
  byInstance: Record<string, number>;
  /** Intervals run more than once (extra runs). */
  doubleRuns: number;
  /** Pairs of runs of the job that were in progress at the same moment. */
  overlaps: number;
  /** Whole intervals inside [from, to) in which no instance ran the pass. */
  missed: number;
  failed: number;
  /** Started and never finished (an instance stopped mid-pass is allowed one; more is a hang). */
  unfinished: number;
  details: string[];
};

/**
 * One pass per interval across the instances: each interval of `everyMs` that lies wholly inside [from, to) has
 * exactly one run; no two runs of the job overlap in time; failures and unfinished runs are counted.
 */
export function judgePasses(job: string, everyMs: number, runs: PassRun[], window: { from: number; to: number }): PassVerdict {
  const mine = runs.filter((r) => r.job === job).sort((a, b) => a.startedAt - b.startedAt);
  const details: string[] = [];
  const bySlot = new Map<number, number>();
  const byInstance: Record<string, number> = {};
  for (const r of mine) {
    bySlot.set(r.slot, (bySlot.get(r.slot) ?? 0) + 1);
    byInstance[r.instance] = (byInstance[r.instance] ?? 0) + 1;
  }
  let doubleRuns = 0;
  for (const [slot, n] of bySlot)
    if (n > 1) {
      doubleRuns += n - 1;
      details.push(`${job}: interval ${new Date(slot).toISOString()} run ×${n}`);
    }
  let overlaps = 0;
  for (let i = 0; i < mine.length; i++)
    for (let j = i + 1; j < mine.length; j++) {
      const a = mine[i];
      const b = mine[j];
      if (a.finishedAt !== null && b.startedAt < a.finishedAt) {
        overlaps++;
        details.push(`${job}: runs of ${a.instance} and ${b.instance} overlapped at ${new Date(b.startedAt).toISOString()}`);
      }
    }
  let missed = 0;
  for (let slot = Math.ceil(window.from / everyMs) * everyMs; slot + everyMs <= window.to; slot += everyMs)
    if (!bySlot.has(slot)) {
      missed++;
      details.push(`${job}: no run in the interval ${new Date(slot).toISOString()}`);
    }
  const failed = mine.filter((r) => r.error !== null).length;
  const unfinished = mine.filter((r) => r.finishedAt === null).length;
  return { job, everyMs, runs: mine.length, byInstance, doubleRuns, overlaps, missed, failed, unfinished, details };
}

export type DeliveryRow = { id: number; status: string };

/**
 * Every outbox delivery sent once: delivered in the database and received exactly once by the receiver (by its
 * X-Flightdeck-Delivery id). Pending or failed at the end is lost; received more than once is duplicated; a
 * receipt without a row is reported as unknown.
 */
export function judgeDeliveries(rows: DeliveryRow[], received: Map<string, number>) {
  const details: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let once = 0;
  const ids = new Set(rows.map((r) => String(r.id)));
  for (const r of rows) {
    const n = received.get(String(r.id)) ?? 0;
    if (r.status !== 'delivered' || n === 0) {
      lost++;
      details.push(`delivery ${r.id}: ${r.status} in the outbox, received ×${n}`);
    } else if (n > 1) {
      duplicated += n - 1;
      details.push(`delivery ${r.id}: received ×${n}`);
    } else once++;
  }
  const unknown = [...received.keys()].filter((id) => !ids.has(id));
  for (const id of unknown) details.push(`received delivery ${id}, which the outbox does not hold`);
  return { rows: rows.length, once, lost, duplicated, unknown: unknown.length, details };
}
