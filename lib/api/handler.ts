import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { guardedRoute, guardInfoOf, type Actor } from '@/lib/auth/guards';
import type { TokenScope } from '@/lib/auth/permissions';
import { getDb, type Db } from '@/lib/db/client';
import { AppError, type FieldError } from '@/lib/errors';
import { env } from '@/lib/env';
import { signalSession } from '@/lib/events/bus';
import { bodyReadBy } from '@/lib/http/fast-path';
import { idempotencyKeyOf, principalOf, requestHashOf, runIdempotent } from './idempotency';

/**
 * Shared plumbing of every /api/v1 handler: authenticate (guardedRoute) → read the body under an explicit size
 * limit → parse JSON → validate with the shared zod schema → (POST) idempotency → act → respond.
 * Bad input is always a 4xx with `{error: {code, message, fields?}}`; a driver error caused by a value that
 * slipped through validation is answered 409/422 rather than 500 (lib/errors.ts toAppError, via errorResponse).
 */
export type ApiReply = {
  status: number;
  body: unknown;
  /** Session to wake long-polls for once the response's transaction has committed. */
  signalSessionId?: string;
};

/** The request's Idempotency-Key, for a handler that applies it itself (spec.ownIdempotency). */
export type IdempotencyInput = { principal: string; key: string; method: string; path: string; requestHash: string };

export type ApiContext<B, Q, P> = {
  actor: Actor;
  params: P;
  body: B;
  query: Q;
  db: Db;
  request: Request;
  /** Set only with spec.ownIdempotency and a keyed POST: the handler must apply the key itself. */
  idempotency: IdempotencyInput | null;
};

export type ApiSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> = {
  scopes: TokenScope[];
  body?: B;
  query?: Q;
  /** Body size limit; API_MAX_BODY_BYTES by default. */
  maxBytes?: () => number;
  /**
   * The handler applies the Idempotency-Key itself in its own single statement (with the semantics of
   * runIdempotent) instead of the generic transaction around it: for the hottest, single-statement calls.
   */
  ownIdempotency?: boolean;
};

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export function apiRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P = Record<string, string>,
>(spec: ApiSpec<B, Q>, fn: (ctx: ApiContext<Infer<B>, Infer<Q>, P>) => Promise<ApiReply>) {
  const handler = guardedRoute<P>({ scopes: spec.scopes }, async ({ actor, params, request }) => {
    let raw = '';
    let body: unknown = undefined;
    if (spec.body) {
      const read = await readJsonBody(request, spec.maxBytes?.() ?? env().API_MAX_BODY_BYTES);
      raw = read.text;
      body = validate(spec.body, read.value, 'unprocessable', 'The request body is invalid');
    }
    let query: unknown = undefined;
    if (spec.query) {
      const url = new URL(request.url);
      query = validate(spec.query, Object.fromEntries(url.searchParams), 'bad_request', 'The query string is invalid');
    }
    const db = await getDb();
    const key = request.method === 'POST' ? idempotencyKeyOf(request) : null;
    const path = new URL(request.url).pathname;
    const own: IdempotencyInput | null =
      key && spec.ownIdempotency
        ? { principal: principalOf(actor), key, method: request.method, path, requestHash: requestHashOf(request.method, path, raw) }
        : null;
    const run = (d: Db) =>
      fn({ actor, params, body: body as Infer<B>, query: query as Infer<Q>, db: d, request, idempotency: own });
    // A driver error thrown here is answered by guardedRoute's errorResponse through lib/errors.ts's toAppError.
    const reply: ApiReply & { replayed?: boolean } =
      key && !own ? await runIdempotent(db, { actor, key, method: request.method, path, raw }, run) : await run(db);
    if (reply.signalSessionId) signalSession(reply.signalSessionId);
    const text = JSON.stringify(reply.body);
    // Small answers skip compression ("no-transform" is the one signal Next's compression layer honours for a
    // streamed body): gzip's set-up costs more CPU than the few bytes it saves on an agent's typical
    // {"inserted":1} reply. Larger ones (lists, checkpoint state) are still compressed.
    const small = text.length < SMALL_RESPONSE_BYTES;
    const headers: Record<string, string> = {
      'cache-control': small ? 'no-store, no-transform' : 'no-store',
      'content-type': 'application/json',
    };
    if (reply.replayed) headers['idempotent-replayed'] = 'true';
    return new NextResponse(text, { status: reply.status, headers });
  });
  // Server-Timing covers the whole handler (authentication included); the ingest benchmark reads it.
  const timed = async (request: Request, context: { params: Promise<P> }) => {
    const started = performance.now();
    const res = await handler(request, context);
    res.headers.set('server-timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    return res;
  };
  // Keep guardedRoute's declaration visible to the role × operation matrix test.
  // __maxBytes: the fast path (lib/http/fast-path.ts) reads no more of a body than this before calling the handler.
  return Object.assign(timed, {
    __guard: guardInfoOf(handler),
    __maxBytes: () => (spec.body ? (spec.maxBytes?.() ?? env().API_MAX_BODY_BYTES) : 0),
  });
}

const SMALL_RESPONSE_BYTES = 1024;

export function json(status: number, body: unknown, signalSessionId?: string): ApiReply {
  return { status, body, signalSessionId };
}

function validate(schema: z.ZodType, value: unknown, code: 'unprocessable' | 'bad_request', message: string) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: FieldError[] = parsed.error.issues.slice(0, 50).map((i) => ({
    path: i.path.map(String).join('.') || '(body)',
    message: i.message,
  }));
  throw new AppError(code, message, { fields });
}

const jsonContentType = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/** Reads at most `maxBytes` of a body, whatever its type (a lying or missing Content-Length cannot get more through). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError('payload_too_large', `The request body exceeds the limit of ${maxBytes} bytes`);
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  // The fast path (lib/http/fast-path.ts) has already read the body, bounded: take its bytes instead of piping
  // them through a web stream a second time.
  const read = bodyReadBy(request);
  if (read) {
    if (read.byteLength > maxBytes) throw tooLarge();
    return read;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/** Reads at most `maxBytes` of a JSON body (a lying or missing Content-Length cannot get more through). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<{ text: string; value: unknown }> {
  if (!jsonContentType.test(request.headers.get('content-type') ?? '')) {
    throw new AppError('bad_request', 'Content-Type must be application/json');
  }
  const bytes = await readBodyBytes(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError('bad_request', 'The request body is not valid UTF-8');
  }
  if (!text.trim()) throw new AppError('bad_request', 'The request body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('bad_request', `Malformed JSON: ${err instanceof Error ? err.message.slice(0, 200) : 'parse error'}`);
  }
  const problem = findUnstorableJson(value);
  if (problem) throw new AppError('bad_request', 'The request body cannot be stored', { fields: [problem] });
  return { text, value };
}

export const MAX_JSON_DEPTH = 32;
// Postgres text and jsonb reject NUL and unpaired surrogates; refusing them here keeps them from becoming 500s.
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** First value Postgres could not store (too deep, NUL, unpaired surrogate), walked without recursion. */
export function findUnstorableJson(root: unknown): FieldError | null {
  const stack: Array<[unknown, string, number]> = [[root, '', 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (unstorable.test(v)) return { path: path || '(body)', message: 'contains a NUL character or an unpaired surrogate' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path: path || '(body)', message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, path ? `${path}.${i}` : String(i), depth + 1]));
    } else {
      for (const [k, item] of Object.entries(v)) {
        if (unstorable.test(k)) return { path: path || '(body)', message: 'a key contains a NUL character or an unpaired surrogate' };
        stack.push([item, path ? `${path}.${k}` : k, depth + 1]);
      }
    }
  }
  return null;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that are not UUIDs cannot exist: 404 without asking Postgres (which would raise 22P02). */
export function requireId(value: string | undefined, what: string): string {
  if (!value || !guidPattern.test(value)) throw new AppError('not_found', `No ${what} with this id`);
  return value.toLowerCase();
}
