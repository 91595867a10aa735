import { describe, expect, it } from 'vitest';
import { planTraces, uuidOf } from './map';
import { ExportTraceServiceRequestSchema } from './schema';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const T1 = '0af7651916cd43dd8448eb211c80319c';
const T2 = '4bf92f3577b34da6a3ce929d0e0e4736';
const kv = (key: string, v: string | number) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { intValue: String(v) } });
const span = (traceId: string, spanId: string, attrs: Array<ReturnType<typeof kv>> = [], over: Record<string, unknown> = {}) => ({
  traceId,
  spanId,
  name: `span ${spanId}`,
  startTimeUnixNano: ns(NOW - 1000),
  endTimeUnixNano: ns(NOW - 750),
  attributes: attrs,
  ...over,
});
const plan = (spans: unknown[], resource: Array<ReturnType<typeof kv>> = [kv('service.name', 'billing')]) =>
  planTraces(ExportTraceServiceRequestSchema.parse({ resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }] }), {
    now: NOW,
    retentionDays: 90,
  });

describe('OTLP span mapping', () => {
  it('a session id on one span of a trace covers the spans of that trace that name none; other traces get their own', () => {
    const p = plan([
      span(T1, '1111111111111111', [kv('session.id', 'run-7'), kv('gen_ai.agent.name', 'planner')]),
      span(T1, '2222222222222222'),
      span(T2, '3333333333333333', [kv('gen_ai.conversation.id', 'conv-9')]),
      span('ffffffffffffffffffffffffffffffff', '4444444444444444'),
    ]);
    expect(p.spans.map((s) => s.session)).toEqual([
      { project: 'billing', agentName: 'planner', externalId: 'run-7' },
      { project: 'billing', agentName: 'planner', externalId: 'run-7' },
      { project: 'billing', agentName: 'billing', externalId: 'conv-9' },
      { project: 'billing', agentName: 'billing', externalId: 'ffffffffffffffffffffffffffffffff' },
    ]);
    expect(p.spans[2].metadata).toMatchObject({ conversation_id: 'conv-9', correlation_id: T2, durationMs: 250 });
  });

  it('a tool span: error from the exception event, duration in ms, the end time as createdAt; ids are deterministic', () => {
    const p = plan([
      span(T1, '1111111111111111', [kv('gen_ai.operation.name', 'execute_tool'), kv('gen_ai.tool.name', 'search')], {
        status: { code: 2 },
        events: [{ name: 'exception', attributes: [kv('exception.type', 'TimeoutError'), kv('exception.message', 'no answer in 30 s')] }],
      }),
    ]);
    expect(p.spans[0].tool).toMatchObject({
      toolName: 'search',
      success: false,
      errorMessage: 'TimeoutError: no answer in 30 s',
      executionTimeMs: 250,
      createdAt: new Date(NOW - 750).toISOString(),
      userId: 'billing',
    });
    expect(p.spans[0].tool!.executionId).toBe(uuidOf('tool', T1, '1111111111111111'));
    expect(uuidOf('tool', T1, '1111111111111111')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidOf('event', T1, '1111111111111111')).not.toBe(uuidOf('tool', T1, '1111111111111111'));
  });

  it('refuses, naming each: a tool span past the retention or ahead of the clock, reversed times, NUL in an attribute', () => {
    const tool = [kv('gen_ai.operation.name', 'execute_tool')];
    const p = plan([
      span(T1, '1111111111111111', tool, { startTimeUnixNano: ns(NOW - 91 * 86_400_000), endTimeUnixNano: ns(NOW - 91 * 86_400_000) }),
      span(T1, '2222222222222222', tool, { startTimeUnixNano: ns(NOW), endTimeUnixNano: ns(NOW + 10 * 60_000) }),
      span(T1, '3333333333333333', [], { endTimeUnixNano: ns(NOW - 5000) }),
      span(T1, '4444444444444444', [kv('note', 'a\u0000b')]),
      span(T1, '5555555555555555'),
      span(T1, '5555555555555555'), // the same span twice in one export: planned once, not refused
    ]);
    expect(p.rejected.map((r) => [r.path, r.reason.split(' ').slice(0, 3).join(' ')])).toEqual([
      ['resourceSpans[0].scopeSpans[0].spans[0]', 'endTimeUnixNano is older'],
      ['resourceSpans[0].scopeSpans[0].spans[1]', 'endTimeUnixNano is more'],
      ['resourceSpans[0].scopeSpans[0].spans[2]', 'endTimeUnixNano is before'],
      ['resourceSpans[0].scopeSpans[0].spans[3]', 'attribute attributes.note contains'],
    ]);
    expect(p.spans.map((s) => s.metadata.spanId)).toEqual(['5555555555555555']);
    expect(p.received).toBe(6);
  });

  it('keeps 64-bit integers beyond 2^53 as strings and usage counts as numbers', () => {
    const big = { key: 'big', value: { intValue: '9007199254740993' } };
    const p = plan([span(T1, '1111111111111111', [big, kv('small', 42), kv('gen_ai.usage.input_tokens', 12)])]);
    expect(p.spans[0].metadata.attributes).toMatchObject({ big: '9007199254740993', small: 42 });
    expect(p.spans[0].usage).toMatchObject({ inputTokens: 12, outputTokens: null, cost: null });
  });
});
