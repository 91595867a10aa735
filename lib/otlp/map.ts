import { createHash } from 'node:crypto';
import { findUnstorableJson } from '@/lib/api/handler';
import { STATUS_ERROR, spanKindNames, type AnyValue, type ExportTraceServiceRequest, type KeyValue, type OtlpSpan } from './schema';

/**
 * OTLP spans → Flightdeck records (the mapping the README's "OpenTelemetry" section documents). Pure: no
 * database, so lib/otlp/ingest.ts writes what this plans in one transaction.
 *
 * - resource `service.name` → project; `session.id` / `gen_ai.conversation.id` (span, else another span of the
 *   same trace in the request, else the resource) → the session's externalId, else the trace id;
 *   `gen_ai.agent.name` → the session's agent name (else the service name).
 * - every span → one execution event on its session (correlation id = trace id); `execute_tool` spans → a tool
 *   execution too; `gen_ai.usage.*` → usage in the event's metadata and a usage record.
 * - event, execution and usage ids are derived from trace id + span id, so an exporter's retry is stored once.
 */
export type SessionRef = { project: string; agentName: string; externalId: string };

export type PlannedSpan = {
  session: SessionRef;
  eventId: string;
  eventType: string;
  metadata: Record<string, unknown>;
  tool?: {
    executionId: string;
    userId: string;
    toolName: string;
    success: boolean;
    executionTimeMs: number;
    errorMessage: string | null;
    context: Record<string, unknown>;
    createdAt: string;
  };
  usage?: Usage & { usageId: string };
};

export type Usage = { inputTokens: number | null; outputTokens: number | null; cost: number | null; model: string | null };

export type Rejection = { path: string; reason: string };

export type TracePlan = { spans: PlannedSpan[]; rejected: Rejection[]; received: number };

export type PlanOptions = { now: number; retentionDays: number };

const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const INT32_MAX = 2_147_483_647;

export function planTraces(request: ExportTraceServiceRequest, options: PlanOptions): TracePlan {
  const spans: PlannedSpan[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  let received = 0;
  for (const [ri, rs] of (request.resourceSpans ?? []).entries()) {
    const resource = attributesOf(rs.resource?.attributes);
    const project = str(resource['service.name']) ?? 'unknown_service';
    const all = (rs.scopeSpans ?? []).flatMap((ss, si) =>
      (ss.spans ?? []).map((span, ki) => ({ span, path: `resourceSpans[${ri}].scopeSpans[${si}].spans[${ki}]` })),
    );
    received += all.length;
    // Per trace: the first session and agent name any of its spans names, for the spans that name none.
    const traceSession = new Map<string, string>();
    const traceAgent = new Map<string, string>();
    const attrsOf = all.map(({ span }) => attributesOf(span.attributes));
    all.forEach(({ span }, i) => {
      const t = span.traceId?.toLowerCase() ?? '';
      const s = sessionIdOf(attrsOf[i]);
      const a = str(attrsOf[i]['gen_ai.agent.name']);
      if (s && !traceSession.has(t)) traceSession.set(t, s);
      if (a && !traceAgent.has(t)) traceAgent.set(t, a);
    });
    all.forEach(({ span, path }, i) => {
      const attrs = attrsOf[i];
      const problem = problemOf(span);
      if (problem) return void rejected.push({ path, reason: problem });
      const traceId = span.traceId!.toLowerCase();
      const spanId = span.spanId!.toLowerCase();
      if (seen.has(`${traceId}:${spanId}`)) return; // the same span twice in one request: stored once
      seen.add(`${traceId}:${spanId}`);
      const session: SessionRef = {
        project,
        agentName: str(attrs['gen_ai.agent.name']) ?? traceAgent.get(traceId) ?? str(resource['gen_ai.agent.name']) ?? project,
        externalId: sessionIdOf(attrs) ?? traceSession.get(traceId) ?? sessionIdOf(resource) ?? traceId,
      };
      const planned = planSpan(span, { traceId, spanId, attrs, resource, session, options });
      if ('reason' in planned) return void rejected.push({ path, reason: planned.reason });
      const unstorable = findUnstorableJson(planned.metadata);
      if (unstorable) return void rejected.push({ path, reason: `attribute ${unstorable.path} ${unstorable.message}` });
      spans.push(planned);
    });
  }
  return { spans, rejected, received };
}

function planSpan(
  span: OtlpSpan,
  c: { traceId: string; spanId: string; attrs: Record<string, unknown>; resource: Record<string, unknown>; session: SessionRef; options: PlanOptions },
): PlannedSpan | { reason: string } {
  const { traceId, spanId, attrs } = c;
  const start = span.startTimeUnixNano!;
  const end = span.endTimeUnixNano!;
  const durationMs = Number(end - start) / 1e6;
  const statusCode = span.status?.code ?? 0;
  const status = statusCode === STATUS_ERROR ? 'error' : statusCode === 1 ? 'ok' : 'unset';
  const exception = span.events?.find((e) => e.name === 'exception');
  const exceptionAttrs = attributesOf(exception?.attributes);
  const errorMessage =
    statusCode === STATUS_ERROR
      ? (nonEmpty(span.status?.message) ??
        (exception ? [str(exceptionAttrs['exception.type']), str(exceptionAttrs['exception.message'])].filter(Boolean).join(': ') || null : null) ??
        'span status ERROR')
      : null;
  const operation = str(attrs['gen_ai.operation.name']);
  const usage = usageOf(attrs);
  const metadata: Record<string, unknown> = {
    correlation_id: traceId,
    ...(str(attrs['gen_ai.conversation.id']) ? { conversation_id: str(attrs['gen_ai.conversation.id']) } : {}),
    spanId,
    parentSpanId: span.parentSpanId && /^[0-9a-f]{16}$/i.test(span.parentSpanId) && !/^0+$/.test(span.parentSpanId) ? span.parentSpanId.toLowerCase() : null,
    name: span.name ?? '',
    ...(operation === 'execute_tool' && str(attrs['gen_ai.tool.name']) ? { toolName: str(attrs['gen_ai.tool.name']) } : {}),
    kind: spanKindNames[span.kind ?? 0] ?? 'unspecified',
    status,
    ...(errorMessage ? { error: errorMessage } : {}),
    durationMs,
    startTime: isoOfNanos(start),
    endTime: isoOfNanos(end),
    ...(usage ? { usage } : {}),
    attributes: attrs,
    ...(span.events?.length ? { spanEvents: span.events.map((e) => ({ name: e.name ?? '', attributes: attributesOf(e.attributes) })) } : {}),
  };
  const planned: PlannedSpan = {
    session: c.session,
    eventId: uuidOf('event', traceId, spanId),
    eventType: operation && /^[A-Za-z0-9_.:-]{1,80}$/.test(operation) ? `otel.${operation}` : 'otel.span',
    metadata,
  };
  if (usage) planned.usage = { ...usage, usageId: uuidOf('usage', traceId, spanId) };
  if (operation === 'execute_tool') {
    const endMs = Number(end / 1_000_000n);
    if (endMs < c.options.now - c.options.retentionDays * 86_400_000) {
      return { reason: `endTimeUnixNano is older than the tool history retention (${c.options.retentionDays} days)` };
    }
    if (endMs > c.options.now + MAX_CLOCK_SKEW_MS) return { reason: 'endTimeUnixNano is more than 5 minutes ahead of the server clock' };
    planned.tool = {
      executionId: uuidOf('tool', traceId, spanId),
      userId: str(attrs['user.id']) ?? str(attrs['enduser.id']) ?? str(c.resource['user.id']) ?? str(c.resource['enduser.id']) ?? c.session.project,
      toolName: (str(attrs['gen_ai.tool.name']) ?? nonEmpty(span.name) ?? 'unknown_tool').slice(0, 200),
      success: statusCode !== STATUS_ERROR,
      executionTimeMs: Math.min(INT32_MAX, Math.round(durationMs)),
      errorMessage: errorMessage?.slice(0, 10_000) ?? null,
      context: {
        source: 'otlp',
        traceId,
        spanId,
        ...(str(attrs['gen_ai.tool.call.id']) ? { callId: str(attrs['gen_ai.tool.call.id']) } : {}),
      },
      createdAt: new Date(endMs).toISOString(),
    };
  }
  return planned;
}

function problemOf(span: OtlpSpan): string | null {
  if (!span.traceId || !/^[0-9a-f]{32}$/i.test(span.traceId) || /^0+$/.test(span.traceId)) {
    return 'traceId is missing or not 16 bytes (32 hex digits), or all zero';
  }
  if (!span.spanId || !/^[0-9a-f]{16}$/i.test(span.spanId) || /^0+$/.test(span.spanId)) {
    return 'spanId is missing or not 8 bytes (16 hex digits), or all zero';
  }
  if (!span.startTimeUnixNano || !span.endTimeUnixNano) return 'startTimeUnixNano and endTimeUnixNano are required';
  if (span.endTimeUnixNano < span.startTimeUnixNano) return 'endTimeUnixNano is before startTimeUnixNano';
  return null;
}

function usageOf(attrs: Record<string, unknown>): Usage | null {
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= INT32_MAX ? v : null);
  const inputTokens = count(attrs['gen_ai.usage.input_tokens']);
  const outputTokens = count(attrs['gen_ai.usage.output_tokens']);
  const c = attrs['gen_ai.usage.cost'];
  const cost = typeof c === 'number' && Number.isFinite(c) && c >= 0 ? c : null;
  if (inputTokens === null && outputTokens === null && cost === null) return null;
  const model = str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model']);
  return { inputTokens, outputTokens, cost, model: model?.slice(0, 200) ?? null };
}

/** A UUID (version 5 layout) from SHA-1 of kind + trace id + span id: the same span always gets the same ids. */
export function uuidOf(kind: 'event' | 'tool' | 'usage', traceId: string, spanId: string): string {
  const h = createHash('sha1').update(`flightdeck-otlp:${kind}:${traceId}:${spanId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : v.intValue;
  }
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.kvlistValue) return attributesOf(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function sessionIdOf(attrs: Record<string, unknown>) {
  return (str(attrs['session.id']) ?? str(attrs['gen_ai.conversation.id']))?.slice(0, 200);
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const nonEmpty = (v: string | undefined) => (v && v.trim() ? v : undefined);

function isoOfNanos(ns: bigint) {
  const ms = Number(ns / 1_000_000n);
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}
