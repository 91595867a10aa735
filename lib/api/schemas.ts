import { z } from 'zod';
import { checkpointTypes, pauseTypes, recoveryStatuses, sessionStatuses } from '@/lib/db/schema/enums';

/**
 * The agent API v1 contract: request and response shapes, shared by the route handlers (validation), the
 * OpenAPI document (generated from these with z.toJSONSchema) and the typed client (z.input / z.output types).
 * Pure zod: the client bundle imports this file, so nothing server-side belongs here.
 */
const id = z.guid();
const name = z.string().trim().min(1).max(200);
const text = (max: number) => z.string().max(max);
const json = z.record(z.string(), z.unknown());
const isoDate = z.string().describe('ISO 8601 timestamp');
const int32 = z.number().int().min(0).max(2_147_483_647);

export const MAX_BATCH = 1000;
/** How far ahead of the server clock a client timestamp may be. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

// ---- errors
export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.array(FieldErrorSchema).optional() }),
});

// ---- usage and budgets
const MAX_COST_USD = 1_000_000_000;
/**
 * The model rule: a model id as providers spell them — a letter or digit, then letters, digits and . _ : / @ + -
 * (at most 128 characters, no spaces), e.g. `gpt-4o-mini`, `claude-sonnet-4-5@20250929`, `openai/gpt-4.1`.
 * Anything else (spaces, quotes, markup, empty) is an unknown model and refused with 422 naming the field.
 */
export const ModelId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/, 'unknown model: a model id is a letter or digit, then letters, digits and . _ : / @ + - (max 128, no spaces)');
const tokens = z.number().int().min(0, 'must be 0 or more').max(Number.MAX_SAFE_INTEGER);
const costUsd = z.number().min(0, 'must be 0 or more').max(MAX_COST_USD);
/** What a budget may be: more than 0 (no budget: leave it out). */
export const BudgetSchema = z.strictObject({
  maxCostUsd: z.number().gt(0, 'must be greater than 0').max(MAX_COST_USD).optional().describe('US dollars'),
  maxTokens: z.number().int().gt(0, 'must be greater than 0').max(Number.MAX_SAFE_INTEGER).optional().describe('input + output tokens'),
});
/** Usage an agent may attach to a tool execution, or report on its own (POST /sessions/{id}/usage). */
export const UsageFields = {
  model: ModelId.optional(),
  inputTokens: tokens.optional(),
  outputTokens: tokens.optional(),
  costUsd: costUsd.optional().describe('US dollars'),
};
export const SessionUsageBody = z
  .strictObject({
    usageId: id.optional().describe('Client id; a replayed report with the same id is stored once.'),
    ...UsageFields,
  })
  .refine((u) => u.inputTokens !== undefined || u.outputTokens !== undefined || u.costUsd !== undefined, {
    message: 'report at least one of inputTokens, outputTokens, costUsd',
    path: ['inputTokens'],
  });
const UsageTotals = z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() });
export const SessionUsageResponse = z.object({
  recorded: z.boolean().describe('false: this usageId was already stored'),
  usage: UsageTotals.describe("The session's totals so far"),
  budget: z.object({ maxCostUsd: z.number().nullable(), maxTokens: z.number().nullable() }).describe('The budget in force for the session'),
  paused: z.object({ pausedSessionId: id, reason: z.string() }).nullable().describe('Set when this report crossed a budget'),
});

// ---- sessions
export const CreateSessionBody = z.strictObject({
  project: name,
  agent: name,
  externalId: text(200).min(1).optional(),
  currentTask: text(2000).optional(),
  metadata: json.optional(),
  budget: BudgetSchema.optional().describe("The session's own budget; without it the project's per-session default applies"),
});
export const SessionSchema = z.object({
  id,
  project: z.string(),
  agentName: z.string(),
  externalId: z.string().nullable(),
  status: z.enum(sessionStatuses),
  currentTask: z.string().nullable(),
  metadata: json,
  error: z.string().nullable(),
  startedAt: isoDate,
  endedAt: isoDate.nullable(),
  lastHeartbeatAt: isoDate,
  budgetCostUsd: z.number().nullable().optional(),
  budgetTokens: z.number().nullable().optional(),
});
export const SessionResponse = z.object({ session: SessionSchema });

export const HeartbeatBody = z.strictObject({ currentTask: text(2000).nullable().optional() });
export const HeartbeatResponse = z.object({ status: z.enum(sessionStatuses) });
/** A runner hosting many sessions heart-beats them all in one request (each id at most once). */
export const BatchHeartbeatBody = z.strictObject({
  sessions: z
    .array(z.strictObject({ id, currentTask: text(2000).nullable().optional() }))
    .min(1)
    .max(MAX_BATCH)
    .refine((list) => new Set(list.map((x) => x.id.toLowerCase())).size === list.length, 'each session id may appear only once'),
});
export const BatchHeartbeatResponse = z.object({ sessions: z.array(z.object({ id, status: z.enum(sessionStatuses) })) });

export const FinishBody = z.strictObject({ status: z.enum(['completed', 'failed']), error: text(10_000).optional() });

// ---- checkpoints
export const CreateCheckpointBody = z.strictObject({
  checkpointType: z.enum(checkpointTypes),
  conversationHistory: z.array(z.unknown()).max(100_000),
  currentTaskId: text(500).nullable().optional(),
  messageCount: int32.optional(),
  completedTasks: z.array(text(500)).max(10_000).optional(),
  metricsSnapshot: json.optional(),
});
export const CreateCheckpointResponse = z.object({ id, sequence: z.number().int(), created: z.boolean() });

export const CheckpointSummarySchema = z.object({
  id,
  sessionId: id,
  sequence: z.number().int(),
  checkpointType: z.enum(checkpointTypes),
  currentTaskId: z.string().nullable(),
  messageCount: z.number().int(),
  completedTasks: z.array(z.string()),
  metricsSnapshot: json,
  sizeBytes: z.number().int(),
  contentHash: z.string().nullable(),
  isValid: z.boolean(),
  invalidatedAt: isoDate.nullable(),
  invalidationReason: z.string().nullable(),
  createdAt: isoDate,
});
export const CheckpointListResponse = z.object({ checkpoints: z.array(CheckpointSummarySchema) });
export const CheckpointSchema = CheckpointSummarySchema.extend({ conversationHistory: z.array(z.unknown()) });
export const CheckpointResponse = z.object({ checkpoint: CheckpointSchema });

// ---- pause and control
export const PauseBody = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
  pauseType: z.enum(pauseTypes),
  currentTask: text(2000).optional(),
  context: json.optional(),
  checkpointId: id.optional(),
});
export const PauseSchema = z.object({
  id,
  sessionId: id,
  reason: z.string(),
  pauseType: z.enum(pauseTypes),
  currentTask: z.string().nullable(),
  context: json,
  checkpointId: id.nullable(),
  pausedAt: isoDate,
  resolved: z.boolean(),
});
export const PauseResponse = z.object({ pause: PauseSchema });

export const ControlQuery = z.strictObject({ wait: z.coerce.number().min(0).max(30).optional() });
export const ControlDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('continue'), status: z.string() }),
  z.object({ action: z.literal('wait'), pausedSessionId: id, reason: z.string(), pauseType: z.string(), pausedAt: isoDate }),
  z.object({ action: z.literal('resume'), pausedSessionId: id, note: z.string().nullable(), resolvedBy: z.string().nullable() }),
  z.object({ action: z.literal('abort'), reason: z.string(), resolvedBy: z.string().nullable() }),
  z.object({
    action: z.literal('restore'),
    recoveryId: id,
    checkpoint: z.object({
      id,
      sequence: z.number().int(),
      checkpointType: z.string(),
      conversationHistory: z.array(z.unknown()),
      currentTaskId: z.string().nullable(),
      messageCount: z.number().int(),
      completedTasks: z.array(z.string()),
      metricsSnapshot: json,
    }),
    modifications: z.object({ currentTask: z.string().optional(), instruction: z.string().optional() }).nullable(),
  }),
]);
export const ControlResponse = z.object({ decision: ControlDecisionSchema });

export const CompleteRecoveryBody = z.strictObject({ status: z.enum(['succeeded', 'failed']), error: text(10_000).optional() });
export const RecoverySchema = z.object({
  id,
  sessionId: id,
  checkpointId: id,
  recoveryStatus: z.enum(recoveryStatuses),
  startedAt: isoDate,
  completedAt: isoDate.nullable(),
  error: z.string().nullable(),
});
export const RecoveryResponse = z.object({ recovery: RecoverySchema, alreadyCompleted: z.boolean() });

// ---- events and tool executions (one item or a batch)
export const EventItem = z.strictObject({
  eventId: id.optional().describe('Client id; replays with the same id are ignored. Always send one.'),
  eventType: z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, _ . : - (max 100)'),
  aggregateType: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/).default('session'),
  aggregateId: z.string().min(1).max(200),
  metadata: json.optional(),
});
export const EventsBody = z.union([EventItem, z.array(EventItem).min(1).max(MAX_BATCH)]);

export const ToolExecutionItem = z.strictObject({
  executionId: id.optional().describe('Client id; replays with the same id are ignored. Always send one.'),
  userId: z.string().min(1).max(200),
  toolName: z.string().min(1).max(200),
  success: z.boolean(),
  executionTimeMs: int32.optional(),
  errorMessage: text(10_000).nullable().optional(),
  sessionId: id.nullable().optional(),
  context: json.optional(),
  userSatisfaction: z.number().int().min(1).max(5).nullable().optional(),
  ...UsageFields,
  // Agents buffer executions and send them later; without this every late batch would land at "now". The lower
  // bound (retention) depends on server configuration, so the route checks it (app/api/v1/tool-executions).
  createdAt: z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) <= Date.now() + MAX_CLOCK_SKEW_MS, 'must not be more than 5 minutes ahead of the server clock')
    .optional()
    .describe(
      'When the execution happened (ISO 8601 with offset), at most TOOL_HISTORY_RETENTION_DAYS (90 by default) ago and ' +
        '5 minutes ahead of the server clock; defaults to when the server receives it',
    ),
});
export const ToolExecutionsBody = z.union([ToolExecutionItem, z.array(ToolExecutionItem).min(1).max(MAX_BATCH)]);

export const UsageItem = z.strictObject({
  usageId: id.describe('Client id; a replayed report with the same id is stored once.'),
  sessionId: id.optional().describe('The session the usage belongs to; its project is used'),
  project: z.string().min(1).max(200).optional().describe('Required without sessionId; must match the session otherwise'),
  model: ModelId.optional(),
  inputTokens: tokens,
  outputTokens: tokens,
  cost: costUsd.optional(),
});
export const UsageBody = z.union([UsageItem, z.array(UsageItem).min(1).max(MAX_BATCH)]);

export const IngestResponse = z.object({
  received: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int(),
});

export const SatisfactionBody = z.strictObject({ userSatisfaction: z.number().int().min(1).max(5) });
export const SatisfactionResponse = z.object({ executionId: id, userSatisfaction: z.number().int() });

// ---- tools
export const PreferredToolsQuery = z.strictObject({
  userId: z.string().min(1).max(200),
  tools: z
    .string()
    .min(1)
    .max(5000)
    .transform((v) => [...new Set(v.split(',').map((t) => t.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(200)).min(1).max(100)),
  strategy: z.enum(['mean', 'lower_bound', 'thompson']).default('mean'),
});
export const PreferredToolsResponse = z.object({
  userId: z.string(),
  tools: z.array(z.looseObject({ tool: z.string(), score: z.number() })),
});

export type CreateSessionInput = z.input<typeof CreateSessionBody>;
export type Session = z.output<typeof SessionSchema>;
export type CheckpointInput = z.input<typeof CreateCheckpointBody>;
export type CheckpointSummary = z.output<typeof CheckpointSummarySchema>;
export type Checkpoint = z.output<typeof CheckpointSchema>;
export type PauseInput = z.input<typeof PauseBody>;
export type Pause = z.output<typeof PauseSchema>;
export type ControlDecision = z.output<typeof ControlDecisionSchema>;
export type Recovery = z.output<typeof RecoverySchema>;
export type EventInput = z.input<typeof EventItem>;
export type ToolExecutionInput = z.input<typeof ToolExecutionItem>;
export type UsageReport = z.input<typeof UsageItem>;
export type SessionUsageInput = z.input<typeof SessionUsageBody>;
export type SessionUsageResult = z.output<typeof SessionUsageResponse>;
export type Budget = z.input<typeof BudgetSchema>;
export type IngestResult = z.output<typeof IngestResponse>;
export type ApiErrorBody = z.output<typeof ErrorSchema>;
