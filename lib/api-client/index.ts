import type { z } from 'zod';
import type * as c from '@/lib/api/checklist-schemas';
import type * as s from '@/lib/api/schemas';

/**
 * Typed client of the agent API v1. Types come from the server's zod schemas (lib/api/schemas.ts), so a
 * contract change breaks the client at compile time. Every POST carries an Idempotency-Key generated once per
 * logical call and reused by its retries, and events / tool executions get client ids, so at-least-once
 * delivery is applied once. Retries: network errors, 429 and 5xx, exponential backoff with jitter, honouring
 * Retry-After, bounded by `maxRetries`.
 */
export type ClientOptions = {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout (long-polls add their wait to it). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields?: Array<{ path: string; message: string }>;
  constructor(status: number, body: unknown) {
    const e = (body as s.ApiErrorBody | undefined)?.error;
    super(e?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = e?.code ?? 'http_error';
    this.fields = e?.fields;
  }
}

type Out<T extends z.ZodType> = z.output<T>;
type RequestOptions = { body?: unknown; query?: Record<string, string | number | undefined>; timeoutMs?: number; signal?: AbortSignal };

const retryableStatus = new Set([429, 500, 502, 503, 504]);

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const maxRetries = options.maxRetries ?? 4;
  const baseDelay = options.baseDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; data: T }> {
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    for (let attempt = 0; ; attempt++) {
      const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.5 + Math.random() / 2);
      let res: Response;
      try {
        const signals = [AbortSignal.timeout(opts.timeoutMs ?? options.timeoutMs ?? 30_000)];
        if (opts.signal) signals.push(opts.signal);
        res = await doFetch(url, { method, headers, body: payload, signal: AbortSignal.any(signals) });
      } catch (err) {
        if (opts.signal?.aborted || attempt >= maxRetries) throw err;
        await sleep(backoff);
        continue;
      }
      const text = await res.text();
      let data: unknown = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch {
        data = null;
      }
      if (res.ok) return { status: res.status, data: data as T };
      if (!retryableStatus.has(res.status) || attempt >= maxRetries) throw new ApiError(res.status, data);
      const after = retryAfterMs(res.headers.get('retry-after'));
      await sleep(after === null ? backoff : Math.min(after, 60_000));
    }
  }

  const id = encodeURIComponent;

  const client = {
    request,
    async createSession(input: z.input<typeof s.CreateSessionBody>) {
      const r = await request<Out<typeof s.SessionResponse>>('POST', '/api/v1/sessions', { body: input });
      return { ...r.data, created: r.status === 201 };
    },
    async heartbeat(sessionId: string, input: z.input<typeof s.HeartbeatBody> = {}) {
      return (await request<Out<typeof s.HeartbeatResponse>>('POST', `/api/v1/sessions/${id(sessionId)}/heartbeat`, { body: input })).data;
    },
    /** One heartbeat for up to 1000 sessions: all applied, or none (422 naming the unknown ids in `fields`). */
    async heartbeats(sessions: z.input<typeof s.BatchHeartbeatBody>['sessions']) {
      return (await request<Out<typeof s.BatchHeartbeatResponse>>('POST', '/api/v1/heartbeats', { body: { sessions } })).data.sessions;
    },
    async finishSession(sessionId: string, input: z.input<typeof s.FinishBody>) {
      return (await request<Out<typeof s.SessionResponse>>('POST', `/api/v1/sessions/${id(sessionId)}/finish`, { body: input })).data;
    },
    async createCheckpoint(sessionId: string, input: z.input<typeof s.CreateCheckpointBody>) {
      return (await request<Out<typeof s.CreateCheckpointResponse>>('POST', `/api/v1/sessions/${id(sessionId)}/checkpoints`, { body: input })).data;
    },
    async listCheckpoints(sessionId: string) {
      return (await request<Out<typeof s.CheckpointListResponse>>('GET', `/api/v1/sessions/${id(sessionId)}/checkpoints`)).data;
    },
    async getCheckpoint(checkpointId: string) {
      return (await request<Out<typeof s.CheckpointResponse>>('GET', `/api/v1/checkpoints/${id(checkpointId)}`)).data;
    },
    async pause(sessionId: string, input: z.input<typeof s.PauseBody>) {
      return (await request<Out<typeof s.PauseResponse>>('POST', `/api/v1/sessions/${id(sessionId)}/pause`, { body: input })).data;
    },
    async getControl(sessionId: string, opts: { wait?: number; signal?: AbortSignal } = {}) {
      const wait = opts.wait === undefined ? undefined : Math.min(Math.max(opts.wait, 0), 30);
      const r = await request<Out<typeof s.ControlResponse>>('GET', `/api/v1/sessions/${id(sessionId)}/control`, {
        query: { wait },
        timeoutMs: (options.timeoutMs ?? 30_000) + (wait ?? 0) * 1000,
        signal: opts.signal,
      });
      return r.data.decision;
    },
    /** Long-polls until the decision is not `wait` or the deadline passes (then returns the last `wait`). */
    async waitForControl(
      sessionId: string,
      opts: { timeoutMs?: number; pollSeconds?: number; signal?: AbortSignal } = {},
    ): Promise<s.ControlDecision> {
      const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
      for (;;) {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        const decision = await client.getControl(sessionId, { wait: Math.max(0, Math.min(opts.pollSeconds ?? 25, left)), signal: opts.signal });
        if (decision.action !== 'wait' || Date.now() >= deadline || opts.signal?.aborted) return decision;
      }
    },
    async completeRecovery(recoveryId: string, input: z.input<typeof s.CompleteRecoveryBody>) {
      return (await request<Out<typeof s.RecoveryResponse>>('POST', `/api/v1/recoveries/${id(recoveryId)}/complete`, { body: input })).data;
    },
    /** Events get a client eventId here (before any retry), so a replayed batch is stored once. */
    async postEvents(events: s.EventInput | s.EventInput[]) {
      const list = (Array.isArray(events) ? events : [events]).map((e) => ({ ...e, eventId: e.eventId ?? crypto.randomUUID() }));
      return (await request<s.IngestResult>('POST', '/api/v1/events', { body: Array.isArray(events) ? list : list[0] })).data;
    },
    async postToolExecutions(items: s.ToolExecutionInput | s.ToolExecutionInput[]) {
      const list = (Array.isArray(items) ? items : [items]).map((e) => ({ ...e, executionId: e.executionId ?? crypto.randomUUID() }));
      const r = await request<s.IngestResult>('POST', '/api/v1/tool-executions', { body: Array.isArray(items) ? list : list[0] });
      return { ...r.data, executionIds: list.map((e) => e.executionId) };
    },
    /** Token usage and cost; each report needs its own usageId (kept on retries), so a replay is stored once. */
    async reportUsage(records: s.UsageReport | s.UsageReport[]) {
      return (await request<s.IngestResult>('POST', '/api/v1/usage', { body: records })).data;
    },
    /** Tokens and cost of one session; the answer has its totals, its budget and whether this report paused it. */
    async reportSessionUsage(sessionId: string, input: s.SessionUsageInput) {
      return (await request<s.SessionUsageResult>('POST', `/api/v1/sessions/${id(sessionId)}/usage`, { body: input })).data;
    },
    async rateToolExecution(executionId: string, userSatisfaction: number) {
      return (await request<Out<typeof s.SatisfactionResponse>>('PATCH', `/api/v1/tool-executions/${id(executionId)}`, { body: { userSatisfaction } }))
        .data;
    },
    async preferredTools(userId: string, tools: string[], strategy?: 'mean' | 'lower_bound' | 'thompson') {
      return (await request<Out<typeof s.PreferredToolsResponse>>('GET', '/api/v1/tools/preferred', { query: { userId, tools: tools.join(','), strategy } }))
        .data;
    },
    /** The checklist of a release (idempotent on template + version + environment: `created` is false the second time). */
    async createReleaseChecklist(input: z.input<typeof c.CreateReleaseChecklistBody>) {
      return (await request<Out<typeof c.ReleaseChecklistResponse>>('POST', '/api/v1/checklists', { body: input })).data;
    },
    async getGate(checklistId: string, opts: { wait?: number; signal?: AbortSignal } = {}) {
      const wait = opts.wait === undefined ? undefined : Math.min(Math.max(opts.wait, 0), 30);
      const r = await request<Out<typeof c.GateResponse>>('GET', `/api/v1/checklists/${id(checklistId)}/gate`, {
        query: { wait },
        timeoutMs: (options.timeoutMs ?? 30_000) + (wait ?? 0) * 1000,
        signal: opts.signal,
      });
      return r.data;
    },
    /** Long-polls the gate until it is not `pending` or the deadline passes (then returns the last `pending`). */
    async waitForGate(checklistId: string, opts: { timeoutMs?: number; pollSeconds?: number; signal?: AbortSignal } = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
      for (;;) {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        const gate = await client.getGate(checklistId, { wait: Math.max(0, Math.min(opts.pollSeconds ?? 25, left)), signal: opts.signal });
        if (gate.state !== 'pending' || Date.now() >= deadline || opts.signal?.aborted) return gate;
      }
    },
    async markDeployed(checklistId: string) {
      return (await request<Out<typeof c.DeployedResponse>>('POST', `/api/v1/checklists/${id(checklistId)}/deployed`)).data;
    },
  };
  return client;
}

export type FlightdeckClient = ReturnType<typeof createClient>;
export type { ControlDecision, Session, Pause, Recovery, CheckpointSummary, Checkpoint } from '@/lib/api/schemas';
