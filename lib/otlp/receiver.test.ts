import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/otlp/v1/traces/route';
import { createApiToken } from '@/lib/auth/tokens';
import { resetTokenRateLimits } from '@/lib/auth/rate-limit';
import { queryRows, setDbHandleForTests } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { serveFetch } from '@/lib/http/test-server';
import { describeEachDb } from '@/lib/test/db';
import { decodeMessage } from './codec';

vi.mock('server-only', () => ({}));

/** Spans of one agent run made by the real OpenTelemetry SDK: a root, a model call with usage, two tool calls. */
async function agentRun(opts: { service: string; sessionId?: string }): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('agent-under-test');
  const root = tracer.startSpan('invoke_agent planner', {
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'planner',
      ...(opts.sessionId ? { 'session.id': opts.sessionId } : {}),
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  tracer
    .startSpan('chat gpt-test', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-test',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 345,
        'gen_ai.usage.cost': 0.0042,
      },
    }, ctx)
    .end();
  tracer
    .startSpan('execute_tool grep', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'grep', 'user.id': 'u-42' } }, ctx)
    .end();
  const failing = tracer.startSpan('execute_tool fetch', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch' } }, ctx);
  failing.recordException(new TypeError('ECONNRESET while fetching'));
  failing.setStatus({ code: SpanStatusCode.ERROR });
  failing.end();
  root.end();
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

const exportWith = (exporter: ProtoExporter | JsonExporter, spans: ReadableSpan[]) =>
  new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));

describeEachDb('OTLP/HTTP traces receiver', (t) => {
  let server: Awaited<ReturnType<typeof serveFetch>>;
  let token = '';
  let readToken = '';
  const url = () => `${server.url}/api/otlp/v1/traces`;

  beforeAll(async () => {
    setDbHandleForTests(t().handle);
    token = (await createApiToken(t().db, { name: 'otel-agent', scopes: ['ingest'] })).token;
    readToken = (await createApiToken(t().db, { name: 'reader', scopes: ['read'] })).token;
    server = await serveFetch((request) => POST(request, { params: Promise.resolve({}) }));
  });
  afterAll(async () => {
    await server?.close();
    setDbHandleForTests(undefined);
  });
  afterEach(() => {
    for (const k of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTLP_MAX_BODY_BYTES', 'API_RATE_LIMIT_PER_MINUTE']) delete process.env[k];
    resetEnvCache();
    resetTokenRateLimits();
  });

  const counts = async () =>
    (
      await queryRows<{ sessions: number; events: number; tools: number; usage: number }>(
        t().db,
        sql`SELECT (SELECT count(*)::int FROM agent_sessions) AS sessions, (SELECT count(*)::int FROM execution_events) AS events,
                   (SELECT count(*)::int FROM user_tool_history) AS tools, (SELECT count(*)::int FROM usage_records) AS usage`,
      )
    )[0];
  const sessionRows = (project: string) =>
    queryRows<{ id: string; agent_name: string; external_id: string }>(t().db, sql`SELECT id, agent_name, external_id FROM agent_sessions WHERE project = ${project}`);
  const spanEvents = (sessionId: string) =>
    queryRows<{ event_id: string; event_type: string; metadata: Record<string, unknown> }>(
      t().db,
      sql`SELECT event_id, event_type, metadata FROM execution_events WHERE aggregate_id = ${sessionId} AND event_type LIKE 'otel.%' ORDER BY event_type`,
    );
  const toolRows = (sessionId: string) =>
    queryRows<{ tool_name: string; success: boolean; error_message: string | null; user_id: string; execution_time_ms: number }>(
      t().db,
      sql`SELECT tool_name, success, error_message, user_id, execution_time_ms FROM user_tool_history WHERE session_id = ${sessionId} ORDER BY tool_name`,
    );

  it('the protobuf exporter, configured only by OTEL_EXPORTER_OTLP_* variables, stores a run once though it is sent twice', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `${server.url}/api/otlp`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer ${token}`;
    const project = `proto-${randomUUID()}`;
    const sessionKey = `run-${randomUUID()}`;
    const spans = await agentRun({ service: project, sessionId: sessionKey });
    const exporter = new ProtoExporter();
    expect(await exportWith(exporter, spans)).toEqual({ code: 0 });
    expect(await exportWith(exporter, spans)).toEqual({ code: 0 }); // the exporter's retry
    await exporter.shutdown();

    const sessions = await sessionRows(project);
    expect(sessions).toMatchObject([{ agent_name: 'planner', external_id: sessionKey }]);
    const events = await spanEvents(sessions[0].id);
    expect(events.map((e) => e.event_type)).toEqual(['otel.chat', 'otel.execute_tool', 'otel.execute_tool', 'otel.invoke_agent']);
    const traceId = spans[0].spanContext().traceId;
    const root = spans.find((s) => s.name === 'invoke_agent planner')!;
    for (const e of events) expect(e.metadata).toMatchObject({ correlation_id: traceId });
    const chat = events.find((e) => e.event_type === 'otel.chat')!.metadata;
    expect(chat).toMatchObject({
      name: 'chat gpt-test',
      parentSpanId: root.spanContext().spanId,
      status: 'unset',
      usage: { inputTokens: 1200, outputTokens: 345, cost: 0.0042, model: 'gpt-test' },
    });
    expect(typeof chat.durationMs).toBe('number');
    expect(events.find((e) => e.event_type === 'otel.invoke_agent')!.metadata).toMatchObject({ spanId: root.spanContext().spanId, parentSpanId: null });

    const usage = await queryRows(
      t().db,
      sql`SELECT model, input_tokens, output_tokens, cost::float8 AS cost, source FROM usage_records WHERE session_id = ${sessions[0].id}`,
    );
    expect(usage).toEqual([{ model: 'gpt-test', input_tokens: 1200, output_tokens: 345, cost: 0.0042, source: 'otlp' }]);

    const tools = await toolRows(sessions[0].id);
    expect(tools).toMatchObject([
      { tool_name: 'fetch', success: false, error_message: 'TypeError: ECONNRESET while fetching', user_id: project },
      { tool_name: 'grep', success: true, error_message: null, user_id: 'u-42' },
    ]);
  });

  it('the JSON exporter: one session per trace without a session attribute, stored once when sent twice', async () => {
    const project = `json-${randomUUID()}`;
    const [a, b] = [await agentRun({ service: project }), await agentRun({ service: project })];
    const exporter = new JsonExporter({ url: url(), headers: { Authorization: `Bearer ${token}` } });
    const before = await counts();
    for (let i = 0; i < 2; i++) expect(await exportWith(exporter, [...a, ...b])).toEqual({ code: 0 });
    await exporter.shutdown();
    const sessions = await sessionRows(project);
    expect(sessions.map((s) => s.external_id).sort()).toEqual([a[0].spanContext().traceId, b[0].spanContext().traceId].sort());
    // Each run: 2 sessions_started + 4 spans = 6 events and 2 tool executions, once.
    expect(await counts()).toEqual({ sessions: before.sessions + 2, events: before.events + 10, tools: before.tools + 4, usage: before.usage + 2 });
    for (const s of sessions) expect((await spanEvents(s.id)).find((e) => e.event_type === 'otel.chat')!.metadata).toMatchObject({ usage: { inputTokens: 1200 } });
  });

  const protoBody = async (project: string) => Buffer.from(ProtobufTraceSerializer.serializeRequest(await agentRun({ service: project }))!);
  const post = (body: BodyInit, headers: Record<string, string>) =>
    fetch(url(), { method: 'POST', body, headers: { authorization: `Bearer ${token}`, ...headers } });

  it('gzip-compressed protobuf is accepted and answered with an empty ExportTraceServiceResponse', async () => {
    const project = `gzip-${randomUUID()}`;
    const res = await post(gzipSync(await protoBody(project)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeMessage('response', new Uint8Array(await res.arrayBuffer()))).toEqual({});
    expect(await sessionRows(project)).toHaveLength(1);
  });

  it('protobuf with one span whose id is all zeros: 200 with partialSuccess in protobuf, the other spans stored', async () => {
    const project = `partial-${randomUUID()}`;
    const spans = await agentRun({ service: project, sessionId: 'partial-run' });
    const zeroed = spans.map((span, i) =>
      i === 0 ? Object.assign(Object.create(span) as ReadableSpan, { spanContext: () => ({ ...span.spanContext(), spanId: '0'.repeat(16) }) }) : span,
    );
    const res = await post(Buffer.from(ProtobufTraceSerializer.serializeRequest(zeroed)!), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(decodeMessage('response', new Uint8Array(await res.arrayBuffer()))).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringContaining('spans[0]: spanId is missing or not 8 bytes') },
    });
    const [session] = await sessionRows(project);
    expect(await spanEvents(session.id)).toHaveLength(spans.length - 1);
  });

  it('a truncated protobuf is 400 with a google.rpc.Status in protobuf, and nothing is written', async () => {
    const body = await protoBody(`trunc-${randomUUID()}`);
    const before = await counts();
    const res = await post(body.subarray(0, body.length - 9), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(400);
    const status = decodeMessage('status', new Uint8Array(await res.arrayBuffer()));
    expect(status).toMatchObject({ code: 3, message: expect.stringMatching(/Malformed protobuf/) });
    expect(await counts()).toEqual(before);
  });

  it('a wrong content type is 415 and a token without the ingest scope 403, no token 401; nothing written', async () => {
    const before = await counts();
    const body = await protoBody(`ct-${randomUUID()}`);
    expect((await post(body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(body, { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' })).status).toBe(415);
    const noScope = await fetch(url(), { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${readToken}` } });
    expect(noScope.status).toBe(403);
    expect((await fetch(url(), { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  const jsonSpan = (over: Record<string, unknown>) => ({
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'step',
    startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
    endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
    ...over,
  });
  const jsonRequest = (project: string, spans: unknown[]) => ({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: project } }] }, scopeSpans: [{ spans }] }],
  });

  it('spans without ids: all refused → 400 naming them, nothing written; some refused → partialSuccess, the rest stored', async () => {
    const project = `ids-${randomUUID()}`;
    const before = await counts();
    const allBad = await post(JSON.stringify(jsonRequest(project, [jsonSpan({ spanId: undefined }), jsonSpan({ traceId: '' })])), {
      'content-type': 'application/json',
    });
    expect(allBad.status).toBe(400);
    expect(await allBad.json()).toMatchObject({ code: 3, message: expect.stringContaining('spans[0]: spanId is missing') });
    expect(await counts()).toEqual(before);

    const traceId = randomUUID().replace(/-/g, '');
    const mixed = await post(
      JSON.stringify(jsonRequest(project, [jsonSpan({ traceId, spanId: '1'.repeat(16) }), jsonSpan({ traceId, spanId: 'xyz' })])),
      { 'content-type': 'application/json' },
    );
    expect(mixed.status).toBe(200);
    expect(await mixed.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('spans[1]: spanId is missing or not 8 bytes') },
    });
    const sessions = await sessionRows(project);
    expect(sessions).toMatchObject([{ external_id: traceId }]);
    expect((await spanEvents(sessions[0].id)).map((e) => e.metadata.spanId)).toEqual(['1'.repeat(16)]);
  });

  it('10 MB of spans is 413, sent plain or gzipped; malformed JSON, a wrong shape and values nested 5000 deep are 400; nothing written', async () => {
    const before = await counts();
    const many = Array.from({ length: 40_000 }, (_, i) => jsonSpan({ spanId: i.toString(16).padStart(16, '0'), name: 'x'.repeat(150) }));
    const big = JSON.stringify(jsonRequest(`big-${randomUUID()}`, many));
    expect(big.length).toBeGreaterThan(10_000_000);
    const plain = await post(big, { 'content-type': 'application/json' });
    expect(plain.status).toBe(413);
    expect(await plain.json()).toMatchObject({ code: 8, message: expect.stringContaining('exceeds the limit') });
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(4_194_304);
    expect((await post(zipped, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post('{"resourceSpans": [', { 'content-type': 'application/json' })).status).toBe(400);
    const shape = await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: 'soon' }] }] }] }), {
      'content-type': 'application/json',
    });
    expect(shape.status).toBe(400);
    expect(await shape.json()).toMatchObject({ message: expect.stringContaining('resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano') });
    // An attribute value nested 5000 levels deep (written as text: JSON.stringify itself would run out of stack).
    const deep = '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(5000) + '{"stringValue":"b"}' + '}]}}'.repeat(5000);
    const spanJson = JSON.stringify(jsonSpan({ attributes: '@' }));
    const nestedBody = JSON.stringify(jsonRequest('deep', ['@'])).replace('"@"', spanJson.replace('"@"', `[{"key":"a","value":${deep}}]`));
    const nested = await post(nestedBody, { 'content-type': 'application/json' });
    expect(nested.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('5000 spans of one trace are the most one export may carry (stored); 5001 is 413 with nothing written', async () => {
    const project = `many-${randomUUID()}`;
    const traceId = randomUUID().replace(/-/g, '');
    const spans = (n: number) => Array.from({ length: n }, (_, i) => jsonSpan({ traceId, spanId: (i + 1).toString(16).padStart(16, '0') }));
    const before = await counts();
    const tooMany = await post(JSON.stringify(jsonRequest(project, spans(5001))), { 'content-type': 'application/json' });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ message: expect.stringContaining('5001 spans in one export') });
    expect(await counts()).toEqual(before);
    const ok = await post(JSON.stringify(jsonRequest(project, spans(5000))), { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
    const [session] = await sessionRows(project);
    expect(await spanEvents(session.id)).toHaveLength(5000);
  });

  it('over the token rate limit: 429 with Retry-After, which exporters honour', async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = '1';
    resetEnvCache();
    const body = JSON.stringify(jsonRequest(`rate-${randomUUID()}`, []));
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(200);
    const limited = await post(body, { 'content-type': 'application/json' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
