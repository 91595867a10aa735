import { z } from 'zod';

/**
 * ExportTraceServiceRequest in OTLP's JSON encoding (the protobuf path is decoded into the same shape by
 * lib/otlp/codec.ts). Lenient where OTLP allows variants — 64-bit integers as strings or numbers, enums as
 * numbers or names — and unknown fields are ignored, as the OTLP specification asks of receivers. Ids are
 * checked per span (lib/otlp/map.ts), so one bad span is refused without refusing its batch.
 */
const uint64 = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const int64 = z.union([z.string().regex(/^-?\d{1,19}$/), z.number().int()]).transform((v) => String(v));
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);

export type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
};
export type KeyValue = { key: string; value?: AnyValue };

export const AnyValueSchema: z.ZodType<AnyValue, unknown> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
export const KeyValueSchema: z.ZodType<KeyValue, unknown> = z.lazy(() =>
  z.object({ key: z.string(), value: AnyValueSchema.optional() }),
);

const attributes = z.array(KeyValueSchema).optional();
const enumOf = (names: readonly string[]) =>
  z.union([z.number().int(), z.enum(names as [string, ...string[]]).transform((n) => names.indexOf(n))]);

const statusCodes = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const spanKinds = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;

export const SpanSchema = z.object({
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: enumOf(spanKinds).optional(),
  startTimeUnixNano: uint64.optional(),
  endTimeUnixNano: uint64.optional(),
  attributes,
  events: z
    .array(z.object({ timeUnixNano: uint64.optional(), name: z.string().optional(), attributes }))
    .optional(),
  status: z.object({ message: z.string().optional(), code: enumOf(statusCodes).optional() }).optional(),
});

export const ExportTraceServiceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z
          .array(z.object({ scope: z.object({ name: z.string().optional() }).optional(), spans: z.array(SpanSchema).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

export type OtlpSpan = z.output<typeof SpanSchema>;
export type ExportTraceServiceRequest = z.output<typeof ExportTraceServiceRequestSchema>;

export const STATUS_ERROR = 2;
export const spanKindNames = spanKinds.map((k) => k.replace('SPAN_KIND_', '').toLowerCase());
