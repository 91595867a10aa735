import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * OTLP's protobuf encoding, read and written by protobufjs from the official definitions vendored in
 * lib/otlp/proto (opentelemetry-proto v1.11.0 and google.rpc.Status), not by a hand-written decoder. The
 * OpenTelemetry JS packages no longer ship protobufjs-generated decoders (@opentelemetry/otlp-transformer 0.301
 * writes requests with its own serializer and reads only responses), so the receiver loads the .proto files.
 * Like the migrations in ./drizzle, they are read from the working directory once, on the first request.
 */
const PROTO_DIR = path.join(process.cwd(), 'lib', 'otlp', 'proto');
const PROTO_FILES = [
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/trace/v1/trace.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'google/rpc/status.proto',
];

type Types = { request: protobuf.Type; response: protobuf.Type; status: protobuf.Type };
let types: Types | undefined;

function load(): Types {
  if (types) return types;
  const root = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/any.proto')!);
  for (const file of PROTO_FILES) protobuf.parse(fs.readFileSync(path.join(PROTO_DIR, file), 'utf8'), root);
  root.resolveAll();
  types = {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
  return types;
}

const hexOf = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('hex') : undefined);

/**
 * Decodes a binary ExportTraceServiceRequest into the shape of OTLP's JSON encoding (lowerCamelCase fields,
 * trace and span ids as hex, 64-bit integers as strings, enums as numbers), so both encodings are validated and
 * mapped by the same code. Throws on bytes that are not a valid message (truncated, wrong wire types).
 */
export function decodeTraceRequestProto(bytes: Uint8Array): unknown {
  const { request } = load();
  const message = request.decode(bytes);
  const obj = request.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: false });
  for (const rs of asArray(obj.resourceSpans)) {
    for (const ss of asArray((rs as Rec).scopeSpans)) {
      for (const span of asArray((ss as Rec).spans) as Rec[]) {
        for (const key of ['traceId', 'spanId', 'parentSpanId'] as const) if (key in span) span[key] = hexOf(span[key]);
        for (const link of asArray(span.links) as Rec[]) {
          link.traceId = hexOf(link.traceId);
          link.spanId = hexOf(link.spanId);
        }
      }
    }
  }
  return obj;
}

type Rec = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export type ExportResponse = { partialSuccess?: { rejectedSpans: number; errorMessage: string } };

/** ExportTraceServiceResponse in the encoding of the request (int64 as a string in JSON, as OTLP's mapping says). */
export function encodeExportResponse(body: ExportResponse, encoding: OtlpEncoding): { bytes: Uint8Array; contentType: string } {
  if (encoding === 'json') {
    const json = body.partialSuccess
      ? { partialSuccess: { rejectedSpans: String(body.partialSuccess.rejectedSpans), errorMessage: body.partialSuccess.errorMessage } }
      : {};
    return { bytes: new TextEncoder().encode(JSON.stringify(json)), contentType: 'application/json' };
  }
  const { response } = load();
  return { bytes: response.encode(response.fromObject(body)).finish(), contentType: 'application/x-protobuf' };
}

/** google.rpc.Status, the body OTLP/HTTP expects with every 4xx/5xx, in the encoding of the request. */
export function encodeStatus(status: { code: number; message: string }, encoding: OtlpEncoding) {
  if (encoding === 'json') {
    return { bytes: new TextEncoder().encode(JSON.stringify(status)), contentType: 'application/json' };
  }
  const t = load().status;
  return { bytes: t.encode(t.fromObject(status)).finish(), contentType: 'application/x-protobuf' };
}

/** For tests: reads a binary google.rpc.Status or ExportTraceServiceResponse. */
export function decodeMessage(kind: 'status' | 'response', bytes: Uint8Array): Rec {
  const t = load()[kind];
  return t.toObject(t.decode(bytes), { longs: Number, defaults: false }) as Rec;
}

export type OtlpEncoding = 'json' | 'protobuf';
