import { AppError } from '@/lib/errors';

/** A caller waited longer than the acquisition timeout for a free connection. Maps to HTTP 503. */
export class TimeoutError extends AppError {
  readonly poolSize: number;
  readonly inFlight: number;
  readonly waiting: number;
  readonly waitedMs: number;
  constructor(info: { poolSize: number; inFlight: number; waiting: number; waitedMs: number }) {
    super(
      'unavailable',
      `Timed out after ${Math.round(info.waitedMs)} ms waiting for a database connection ` +
        `(pool size ${info.poolSize}, in flight ${info.inFlight}, waiting ${info.waiting}). ` +
        `The pool is exhausted: look for slow queries or leaked transactions, or raise DB_POOL_MAX.`,
    );
    this.name = 'TimeoutError';
    Object.assign(this, info);
    this.poolSize = info.poolSize;
    this.inFlight = info.inFlight;
    this.waiting = info.waiting;
    this.waitedMs = info.waitedMs;
  }
}
