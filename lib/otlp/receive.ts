import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { readBodyBytes } from '@/lib/api/handler';
import type { Db } from '@/lib/db/client';
import { AppError, toAppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { decodeTraceRequestProto, encodeExportResponse, encodeStatus, type OtlpEncoding } from './codec';
import { ingestTraces } from './ingest';
import { planTraces, type Rejection } from './map';
import { ExportTraceServiceRequestSchema } from './schema';

/**
 * OTLP/HTTP traces, as the OTLP specification describes the server side: protobuf or JSON, gzip or not; success
 * is 200 with an ExportTraceServiceResponse (partialSuccess counting refused spans); errors carry a
 * google.rpc.Status in the request's encoding. Authentication, scope and rate limit are the route guard's.
 */
const gunzipAsync = promisify(gunzip);

/** Exporters send 512 spans per batch by default; one export is one transaction, so it stays bounded. */
export const MAX_SPANS_PER_EXPORT = 5000;

/** The error a client cannot fix by retrying gets 4xx; gRPC codes for google.rpc.Status, by HTTP status. */
const grpcCodeByStatus: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 503: 14 };

export class OtlpError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export function encodingOf(request: Request): OtlpEncoding | null {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

export async function receiveTraces(db: Db, request: Request): Promise<Response> {
  const encoding = encodingOf(request);
  try {
    if (!encoding) {
      throw new OtlpError(415, 'Content-Type must be application/x-protobuf or application/json (OTLP/HTTP)');
    }
    const limit = env().OTLP_MAX_BODY_BYTES;
    const body = await readBody(request, limit);
    const decoded = decode(body, encoding);
    // Bounded depth before zod walks it recursively (AnyValue nests), in either encoding.
    if (nestedDeeperThan(decoded, MAX_DEPTH)) throw new OtlpError(400, `The request nests values deeper than ${MAX_DEPTH} levels`);
    const parsed = ExportTraceServiceRequestSchema.safeParse(decoded);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OtlpError(400, `Invalid ExportTraceServiceRequest at ${issue.path.join('.') || '(body)'}: ${issue.message}`);
    }
    const spanCount = (parsed.data.resourceSpans ?? []).reduce(
      (n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0),
      0,
    );
    if (spanCount > MAX_SPANS_PER_EXPORT) {
      throw new OtlpError(413, `${spanCount} spans in one export; at most ${MAX_SPANS_PER_EXPORT} (send smaller batches)`);
    }
    const plan = planTraces(parsed.data, { now: Date.now(), retentionDays: env().TOOL_HISTORY_RETENTION_DAYS });
    if (plan.rejected.length && !plan.spans.length) {
      throw new OtlpError(400, `All ${plan.rejected.length} spans were refused: ${describe(plan.rejected)}`);
    }
    try {
      await ingestTraces(db, plan);
    } catch (err) {
      throw toAppError(err) ?? err;
    }
    const out = encodeExportResponse(
      plan.rejected.length
        ? { partialSuccess: { rejectedSpans: plan.rejected.length, errorMessage: `${plan.rejected.length} of ${plan.received} spans refused: ${describe(plan.rejected)}` } }
        : {},
      encoding,
    );
    return reply(200, out);
  } catch (err) {
    if (err instanceof OtlpError) return statusReply(err.status, err.message, encoding ?? 'json');
    // A value the database refused (mapped to 409/422 by toAppError) is the payload's fault: 400, not retried.
    if (err instanceof AppError && err.status < 500) return statusReply(400, err.message, encoding ?? 'json');
    throw err; // unavailable database etc.: the guard answers 503 with Retry-After, which exporters retry
  }
}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  let raw: Uint8Array;
  try {
    raw = await readBodyBytes(request, limit);
  } catch (err) {
    if (err instanceof AppError && err.code === 'payload_too_large') throw new OtlpError(413, err.message);
    throw err;
  }
  const contentEncoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (contentEncoding === 'identity') return raw;
  if (contentEncoding !== 'gzip') throw new OtlpError(415, `Content-Encoding ${contentEncoding} is not supported (gzip or none)`);
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtlpError(413, `The unzipped request body exceeds the limit of ${limit} bytes`);
    }
    throw new OtlpError(400, 'The request body is not valid gzip');
  }
}

function decode(body: Uint8Array, encoding: OtlpEncoding): unknown {
  if (encoding === 'protobuf') {
    try {
      return decodeTraceRequestProto(body);
    } catch (err) {
      throw new OtlpError(400, `Malformed protobuf ExportTraceServiceRequest: ${err instanceof Error ? err.message.slice(0, 200) : 'decode error'}`);
    }
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw new OtlpError(400, `Malformed JSON: ${err instanceof Error ? err.message.slice(0, 200) : 'parse error'}`);
  }
}

/** A span's attributes sit about 8 levels down; 24 more leave room for nested attribute values. */
const MAX_DEPTH = 32;

function nestedDeeperThan(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const item of Array.isArray(v) ? v : Object.values(v)) stack.push([item, depth + 1]);
  }
  return false;
}

function describe(rejected: Rejection[]) {
  const shown = rejected.slice(0, 5).map((r) => `${r.path}: ${r.reason}`);
  return shown.join('; ') + (rejected.length > 5 ? `; and ${rejected.length - 5} more` : '');
}

function reply(status: number, out: { bytes: Uint8Array; contentType: string }) {
  return new Response(Buffer.from(out.bytes), { status, headers: { 'content-type': out.contentType, 'cache-control': 'no-store' } });
}

function statusReply(status: number, message: string, encoding: OtlpEncoding) {
  return reply(status, encodeStatus({ code: grpcCodeByStatus[status] ?? 2, message }, encoding));
}
