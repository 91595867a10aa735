import { guardedRoute } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { receiveTraces } from '@/lib/otlp/receive';

/**
 * OTLP/HTTP traces receiver: an OpenTelemetry exporter with OTEL_EXPORTER_OTLP_ENDPOINT=<console>/api/otlp and an
 * `ingest` token in OTEL_EXPORTER_OTLP_HEADERS sends here unchanged (mapping: lib/otlp/map.ts, README).
 */
export const POST = guardedRoute({ scopes: ['ingest'] }, async ({ request }) => receiveTraces(await getDb(), request));
