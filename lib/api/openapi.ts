import { z } from 'zod';
import type { TokenScope } from '@/lib/auth/permissions';
import * as c from './checklist-schemas';
import * as s from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the handlers validate with. We use zod 4's own
 * `z.toJSONSchema` (target draft 2020-12, which is exactly OpenAPI 3.1's schema dialect) instead of
 * @asteasolutions/zod-to-openapi: no `.openapi()` prototype patching in a module the client also imports, and
 * the operation table below is ours anyway (it also drives the contract tests).
 */
type Response = { description: string; schema?: z.ZodType };
export type Operation = {
  operationId: string;
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  description?: string;
  scopes: TokenScope[];
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, Response>;
};

const err = (description: string): Response => ({ description, schema: s.ErrorSchema });
const common = {
  401: err('Missing, malformed, unknown, revoked or expired API token'),
  403: err('The token lacks the required scope'),
};
const post = {
  ...common,
  400: err('Malformed JSON, wrong Content-Type, invalid UTF-8, NUL characters, nesting deeper than 32, or a bad Idempotency-Key'),
  413: err('Body larger than API_MAX_BODY_BYTES'),
  422: err('The body does not match the schema (`fields` lists each problem), or the Idempotency-Key was used with a different body'),
};

export const operations: Operation[] = [
  {
    operationId: 'createSession',
    method: 'post',
    path: '/api/v1/sessions',
    summary: 'Start (or re-attach to) a session',
    description: 'The same externalId in the same project returns the existing session with 200.',
    scopes: ['ingest'],
    body: s.CreateSessionBody,
    responses: {
      201: { description: 'Created', schema: s.SessionResponse },
      200: { description: 'Existing session (same project + externalId)', schema: s.SessionResponse },
      ...post,
    },
  },
  {
    operationId: 'heartbeat',
    method: 'post',
    path: '/api/v1/sessions/{id}/heartbeat',
    summary: 'Heartbeat, optionally with the current task',
    scopes: ['ingest'],
    body: s.HeartbeatBody,
    responses: { 200: { description: 'Session status', schema: s.HeartbeatResponse }, 404: err('No such session'), ...post },
  },
  {
    operationId: 'heartbeats',
    method: 'post',
    path: '/api/v1/heartbeats',
    summary: 'Heartbeat many sessions at once (a runner hosting them)',
    description:
      'Up to 1000 sessions, each id once, in one statement: all are applied, or, when an id names no session, none is and the answer is 422 with a `fields` entry naming each unknown id.',
    scopes: ['ingest'],
    body: s.BatchHeartbeatBody,
    responses: { 200: { description: 'Each session with its status, in the order sent', schema: s.BatchHeartbeatResponse }, ...post },
  },
  {
    operationId: 'finishSession',
    method: 'post',
    path: '/api/v1/sessions/{id}/finish',
    summary: 'End the run as completed or failed',
    scopes: ['ingest'],
    body: s.FinishBody,
    responses: {
      200: { description: 'Finished (or the same end repeated)', schema: s.SessionResponse },
      404: err('No such session'),
      409: err('The session already ended differently'),
      ...post,
    },
  },
  {
    operationId: 'createCheckpoint',
    method: 'post',
    path: '/api/v1/sessions/{id}/checkpoints',
    summary: 'Save a checkpoint (next sequence of the session)',
    description: 'Body limit API_MAX_CHECKPOINT_BYTES. Replaying the latest checkpoint returns it with 200.',
    scopes: ['ingest'],
    body: s.CreateCheckpointBody,
    responses: {
      201: { description: 'Created', schema: s.CreateCheckpointResponse },
      200: { description: 'Same as the latest checkpoint: not stored again', schema: s.CreateCheckpointResponse },
      404: err('No such session'),
      ...post,
      413: err('Body larger than API_MAX_CHECKPOINT_BYTES'),
    },
  },
  {
    operationId: 'listCheckpoints',
    method: 'get',
    path: '/api/v1/sessions/{id}/checkpoints',
    summary: "A session's checkpoints (without conversation history)",
    scopes: ['read', 'ingest'],
    responses: { 200: { description: 'Checkpoints by sequence', schema: s.CheckpointListResponse }, 404: err('No such session'), ...common },
  },
  {
    operationId: 'getCheckpoint',
    method: 'get',
    path: '/api/v1/checkpoints/{id}',
    summary: 'The full state of one checkpoint',
    scopes: ['read', 'ingest'],
    responses: { 200: { description: 'Checkpoint', schema: s.CheckpointResponse }, 404: err('No such checkpoint'), ...common },
  },
  {
    operationId: 'pauseSession',
    method: 'post',
    path: '/api/v1/sessions/{id}/pause',
    summary: 'Pause and ask a person for a decision',
    scopes: ['control'],
    body: s.PauseBody,
    responses: {
      201: { description: 'Paused', schema: s.PauseResponse },
      200: { description: 'The same pause is already open (a retry)', schema: s.PauseResponse },
      404: err('No such session'),
      409: err('The session has ended, or another pause is open'),
      ...post,
    },
  },
  {
    operationId: 'getControl',
    method: 'get',
    path: '/api/v1/sessions/{id}/control',
    summary: 'What the agent must do now: continue, wait, resume, abort or restore',
    description: 'With ?wait=S (0–30) the call long-polls while the answer is `wait` and returns as soon as a person decides.',
    scopes: ['control'],
    query: s.ControlQuery,
    responses: {
      200: { description: 'Decision', schema: s.ControlResponse },
      400: err('Invalid wait'),
      404: err('No such session'),
      ...common,
    },
  },
  {
    operationId: 'completeRecovery',
    method: 'post',
    path: '/api/v1/recoveries/{id}/complete',
    summary: 'Report how a restore went',
    scopes: ['control'],
    body: s.CompleteRecoveryBody,
    responses: {
      200: { description: 'Recorded (or the same report repeated)', schema: s.RecoveryResponse },
      404: err('No such recovery'),
      409: err('The recovery already ended differently'),
      ...post,
    },
  },
  {
    operationId: 'ingestEvents',
    method: 'post',
    path: '/api/v1/events',
    summary: 'One event or a batch of up to 1000 (one transaction)',
    description: 'Send a client eventId with each event: replays are then counted as duplicates, never stored twice.',
    scopes: ['ingest'],
    body: s.EventsBody,
    responses: { 200: { description: 'Counts', schema: s.IngestResponse }, ...post },
  },
  {
    operationId: 'ingestToolExecutions',
    method: 'post',
    path: '/api/v1/tool-executions',
    summary: 'One tool execution or a batch of up to 1000 (one transaction)',
    description: 'Send a client executionId with each item: replays are then counted as duplicates.',
    scopes: ['ingest'],
    body: s.ToolExecutionsBody,
    responses: { 200: { description: 'Counts', schema: s.IngestResponse }, ...post, 422: err('Invalid body, or an unknown sessionId') },
  },
  {
    operationId: 'reportUsage',
    method: 'post',
    path: '/api/v1/usage',
    summary: 'Token usage and cost: one report or a batch of up to 1000 (one transaction)',
    description: 'Each report carries a client usageId: replays are counted as duplicates, never stored twice.',
    scopes: ['ingest'],
    body: s.UsageBody,
    responses: {
      200: { description: 'Counts', schema: s.IngestResponse },
      404: err('No session with a given sessionId'),
      ...post,
      422: err('Invalid body, a missing project, or a project that is not the session\'s'),
    },
  },
  {
    operationId: 'reportSessionUsage',
    method: 'post',
    path: '/api/v1/sessions/{id}/usage',
    summary: "Tokens and cost for one session, checked against its budget",
    description:
      'A report that reaches a budget (the session\'s own, its project\'s per-session default, or the project\'s daily ' +
      'budget) pauses the session as `budget`; the answer\'s `paused` says so and the next control call answers `wait`. ' +
      'model must be a model id (letters, digits, . _ : / @ + -, no spaces); tokens and cost are ≥ 0.',
    scopes: ['ingest'],
    body: s.SessionUsageBody,
    responses: {
      200: { description: 'Stored (or a duplicate usageId); the session\'s totals and budget', schema: s.SessionUsageResponse },
      404: err('No session with this id'),
      ...post,
      422: err('Invalid body: negative or non-numeric usage, an unknown model'),
    },
  },
  {
    operationId: 'rateToolExecution',
    method: 'patch',
    path: '/api/v1/tool-executions/{id}',
    summary: "The end user's satisfaction (1–5) with a tool execution (id = executionId)",
    scopes: ['ingest'],
    body: s.SatisfactionBody,
    responses: { 200: { description: 'Updated', schema: s.SatisfactionResponse }, 404: err('No such tool execution'), ...post },
  },
  {
    operationId: 'preferredTools',
    method: 'get',
    path: '/api/v1/tools/preferred',
    summary: 'The given tools ranked for one end user',
    scopes: ['read', 'ingest'],
    query: s.PreferredToolsQuery,
    responses: { 200: { description: 'Ranked, best first', schema: s.PreferredToolsResponse }, 400: err('Missing userId or tools'), ...common },
  },
  {
    operationId: 'createReleaseChecklist',
    method: 'post',
    path: '/api/v1/checklists',
    summary: 'Create (or find) the checklist of a release from a template',
    description:
      'Idempotent on (template, version, environment): the same release returns the existing checklist with 200. ' +
      "The template's approval policy is copied onto it; the roles it waits on are notified.",
    scopes: ['checklists'],
    body: c.CreateReleaseChecklistBody,
    responses: {
      201: { description: 'Created', schema: c.ReleaseChecklistResponse },
      200: { description: 'Existing checklist of this release', schema: c.ReleaseChecklistResponse },
      ...post,
    },
  },
  {
    operationId: 'getGate',
    method: 'get',
    path: '/api/v1/checklists/{id}/gate',
    summary: 'The release gate: pass, pending or fail, with what is missing',
    description:
      'fail: a required item was marked failed, or a sign-off was voided after the release was marked deployed. ' +
      'With ?wait=S (0–30) the call long-polls while the gate is pending.',
    scopes: ['checklists'],
    query: c.GateQuery,
    responses: { 200: { description: 'Gate', schema: c.GateResponse }, 400: err('Invalid wait'), 404: err('No such checklist'), ...common },
  },
  {
    operationId: 'markDeployed',
    method: 'post',
    path: '/api/v1/checklists/{id}/deployed',
    summary: 'Mark the release deployed (only once its gate passes)',
    scopes: ['checklists'],
    responses: {
      200: { description: 'Deployed (again: alreadyDeployed)', schema: c.DeployedResponse },
      404: err('No such checklist'),
      409: err('The gate has not passed'),
      ...common,
    },
  },
];

function toSchema(schema: z.ZodType, io: 'input' | 'output') {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function queryParameters(schema: z.ZodType) {
  const json = toSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: prop,
  }));
}

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: unknown[] = [];
    if (op.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
    if (op.query) parameters.push(...queryParameters(op.query));
    if (op.method === 'post') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Same key + same body within 24 h returns the first response; a different body is 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses).sort(([a], [b]) => Number(a) - Number(b))) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: toSchema(r.schema, 'output') } } }
        : { description: r.description };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      security: [{ bearer: [] }],
      'x-scopes': op.scopes,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(op.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Flightdeck agent API',
      version: '1.0.0',
      description:
        'How agents report sessions, checkpoints, events and tool executions, and receive a person\'s decisions. ' +
        'Authenticate with `Authorization: Bearer <API token>`; the token needs the scope listed per operation (x-scopes). ' +
        'Errors are `{error: {code, message, fields?: [{path, message}]}}`. ' +
        'The same operations (and an on-call assistant\'s reads and decisions) are also offered as Model Context Protocol ' +
        'tools at `POST /api/mcp` (Streamable HTTP, stateless, the same tokens; the scopes decide the tools).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token fd_…' } },
      schemas: { Error: toSchema(s.ErrorSchema, 'output') },
    },
    paths,
  };
  return cached;
}
