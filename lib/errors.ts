import { classifyError, type ErrorClassification } from '@/lib/db/retry';

/**
 * One error class for everything the data and domain layers want a caller to see. `code` maps to an HTTP
 * status; `message` is safe to show. Raw driver errors are turned into this by toAppError (or into a generic
 * 500) and never reach a browser or an agent.
 */
export type AppErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'internal';

const statusByCode: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: FieldError[];
  /** For rate_limited / unavailable: seconds the caller should wait (sent as Retry-After). */
  readonly retryAfterS?: number;
  constructor(
    code: AppErrorCode,
    message: string,
    options?: { fields?: FieldError[]; cause?: unknown; retryAfterS?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options?.fields;
    this.retryAfterS = options?.retryAfterS;
  }
  get status() {
    return statusByCode[this.code];
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

export function statusOf(code: AppErrorCode) {
  return statusByCode[code];
}

type Answer = { code: AppErrorCode; message: string; retryAfterS?: number };

const busy: Answer = { code: 'unavailable', message: 'The database is unavailable or busy; retry shortly', retryAfterS: 1 };
const malformed: Answer = { code: 'unprocessable', message: 'A value is out of range or malformed' };

/**
 * What a caller is told for each kind of database failure, keyed by lib/db/retry.ts's classification (the only
 * SQLSTATE table): a value the caller sent that slipped through validation is a 4xx; a temporary condition
 * (database down, restarting, out of connections, serialization conflict, statement_timeout, pool wait) is a
 * 503 with Retry-After that clients retry. Anything else is a bug: no answer here, so a 500.
 */
const answerByErrorClass: Record<string, Answer> = {
  unique_violation: { code: 'conflict', message: 'This conflicts with an existing record' },
  foreign_key_violation: { code: 'unprocessable', message: 'A referenced record does not exist' },
  not_null_violation: malformed,
  check_violation: malformed,
  integrity_constraint_violation: malformed,
  data_exception: malformed,
  serialization_failure: { code: 'unavailable', message: 'Conflicting concurrent update; retry', retryAfterS: 1 },
  deadlock_detected: { code: 'unavailable', message: 'Conflicting concurrent update; retry', retryAfterS: 1 },
  // A statement cancelled by statement_timeout was rolled back: the database was too slow or locked.
  query_canceled: busy,
  acquire_timeout: busy,
};

/** The answer for a classified database error, or null when it is a bug (500). */
export function answerFor(c: ErrorClassification): Answer | null {
  return answerByErrorClass[c.errorClass] ?? (c.kind === 'permanent' ? null : busy);
}

/** Any thrown value as an AppError a caller may see, or null for a bug (answer 500, log the cause). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const answer = answerFor(classifyError(err));
  if (!answer) return null;
  return new AppError(answer.code, answer.message, { cause: err, retryAfterS: answer.retryAfterS });
}
