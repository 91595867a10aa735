/**
 * One error class for everything the data and domain layers want a caller to see. `code` maps to an HTTP
 * status; `message` is safe to show. Raw driver errors are turned into this (or into a generic 500) and
 * never reach a browser or an agent.
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
