import { randomUUID } from 'node:crypto';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { api, apiToken, expect, signIn, test } from './fixtures';

/**
 * The production build receives an agent's spans from the real OpenTelemetry exporter (protobuf over HTTP), and a
 * person sees the run in the console: the session, and its tool calls on the timeline.
 */
test('an OpenTelemetry-instrumented agent shows up in the console through OTLP', async ({ page, baseURL }) => {
  const project = `e2e-otel-${randomUUID().slice(0, 8)}`;
  const externalId = `run-${randomUUID()}`;
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': project }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('e2e-agent');
  const root = tracer.startSpan('invoke_agent coder', { attributes: { 'gen_ai.agent.name': 'coder', 'session.id': externalId } });
  const ctx = trace.setSpan(context.active(), root);
  tracer.startSpan('execute_tool grep', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'grep' } }, ctx).end();
  const failing = tracer.startSpan('execute_tool fetch', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch' } }, ctx);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: 'HTTP 502 from upstream' });
  failing.end();
  root.end();
  await provider.forceFlush();

  const exporter = new OTLPTraceExporter({ url: `${baseURL}/api/otlp/v1/traces`, headers: { Authorization: `Bearer ${apiToken()}` } });
  for (let i = 0; i < 2; i++) {
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    expect(result.code).toBe(0);
  }
  await exporter.shutdown();

  // Registering the same run through the agent API finds the session the export created.
  const again = await api<{ session: { id: string; agentName: string } }>(page, 'POST', '/api/v1/sessions', { project, agent: 'other', externalId });
  expect(again.status).toBe(200);
  expect(again.json.session.agentName).toBe('coder');

  await signIn(page, 'viewer');
  await page.goto(`/sessions/${again.json.session.id}`);
  await expect(page.getByText(/otel\.execute tool · grep/)).toHaveCount(1);
  await expect(page.getByText(/otel\.execute tool · fetch · error/)).toContainText('HTTP 502 from upstream');
});
