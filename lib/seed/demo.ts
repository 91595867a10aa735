import { createHash } from 'node:crypto';
import { recoveryAbandonedReason } from '@/lib/checkpoints/abandon-reason';
import type { Db } from '@/lib/db/client';
import {
  agentSessions,
  checkpointRecoveries,
  dbRetryLog,
  executionEvents,
  interventionActions,
  pausedSessions,
  sessionCheckpoints,
  usageRecords,
  userToolHistory,
  pauseTypes,
  type CheckpointType,
  type NewAgentSession,
  type NewCheckpointRecovery,
  type NewExecutionEvent,
  type NewInterventionAction,
  type NewPausedSession,
  type NewSessionCheckpoint,
  type NewUsageRecord,
  type NewUserToolExecution,
  type PauseType,
  type RecoveryStatus,
  type Resolution,
  type SessionStatus,
} from '@/lib/db/schema';
import {
  assistantLines,
  engineers,
  invalidationReasons,
  pauseReasons,
  projects,
  recoveryErrors,
  resolutionNotes,
  toolForPause,
  toolUsers,
  tools,
  userLines,
} from './catalog';
import { seedChecklists } from './checklists';
import { Prng } from './prng';

/**
 * The demo scale: each session is written as a story (work, pauses, restores, recoveries, an ending that fits its
 * status) on a virtual clock, then stretched onto real time relative to `now`. Every transition appends the
 * matching execution event, so a session's timeline reads complete. Rows are built in memory and inserted in
 * multi-row statements: a few thousand rows, well within PGlite's reach.
 */
const MIN = 60_000;
/** RECOVERY_ABANDON_AFTER_S's default: seeded abandoned recoveries waited this long, as the job would have. */
const SEEDED_ABANDON_AFTER_S = 900;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** How many demo sessions of each status; every status appears, with enough of each to show variety. */
export const demoStatusCounts: Record<SessionStatus, number> = {
  running: 14,
  paused: 12,
  recovering: 5,
  completed: 16,
  failed: 7,
  aborted: 6,
};

type Rows = {
  sessions: NewAgentSession[];
  checkpoints: NewSessionCheckpoint[];
  pauses: NewPausedSession[];
  actions: NewInterventionAction[];
  recoveries: NewCheckpointRecovery[];
  events: NewExecutionEvent[];
  tools: NewUserToolExecution[];
  usage: NewUsageRecord[];
};

/** List prices per million tokens (input, output), for the usage the seeded agents report with each tool call. */
const modelPrices: Record<string, [number, number]> = {
  'claude-sonnet-4': [3, 15],
  'claude-opus-4': [15, 75],
  'gpt-4.1': [2, 8],
};

type Message = { role: 'user' | 'assistant' | 'tool'; content: string; tool_calls?: { name: string; arguments: Record<string, unknown> }[] };

class SessionStory {
  private v = 0;
  private order = 0;
  private tasksDone: string[] = [];
  private messages: Message[] = [];
  private messageCount = 0;
  private toolCalls = 0;
  private stamps: { v: number; set: (d: Date) => void }[] = [];
  private checkpoints: NewSessionCheckpoint[] = [];
  readonly session: NewAgentSession;
  private readonly conversationId: string;
  private readonly endUser: string;
  private readonly tasks: readonly string[];

  constructor(
    private readonly rng: Prng,
    private readonly rows: Rows,
    init: { project: (typeof projects)[number]; agent: string; externalId: string },
  ) {
    this.tasks = init.project.tasks;
    this.conversationId = `conv-${rng.uuid().slice(0, 8)}`;
    this.endUser = rng.pick(toolUsers);
    this.session = {
      id: rng.uuid(),
      project: init.project.name,
      agentName: init.agent,
      externalId: init.externalId,
      status: 'running',
      currentTask: rng.pick(this.tasks),
      metadata: { model: rng.pick(['claude-sonnet-4', 'claude-opus-4', 'gpt-4.1']), end_user: this.endUser, conversation_id: this.conversationId, seeded: 'demo' },
    };
    rows.sessions.push(this.session);
    this.stamp((d) => (this.session.startedAt = d));
    this.event('session_started', { status: 'started', actor: init.agent });
    this.say('user', this.session.currentTask ?? 'Start');
  }

  private tick(units = 1) {
    this.v += units * (0.5 + this.rng.next());
  }

  private stamp(set: (d: Date) => void) {
    this.stamps.push({ v: this.v, set });
  }

  private say(role: Message['role'], content: string, toolCalls?: Message['tool_calls']) {
    this.messages.push(toolCalls ? { role, content, tool_calls: toolCalls } : { role, content });
    if (this.messages.length > 16) this.messages.shift();
    this.messageCount++;
  }

  event(type: string, m: { status: string; actor?: string; durationMs?: number; retry?: number; correlation?: string; extra?: Record<string, unknown> }) {
    const row: NewExecutionEvent = {
      eventId: this.rng.uuid(),
      eventType: type,
      aggregateType: 'session',
      aggregateId: this.session.id!,
      metadata: {
        conversation_id: this.conversationId,
        actor_id: m.actor ?? this.session.agentName,
        execution_order: ++this.order,
        status: m.status,
        duration_ms: m.durationMs ?? this.rng.int(2, 40),
        retry_count: m.retry ?? 0,
        correlation_id: m.correlation ?? this.rng.uuid(),
        ...m.extra,
      },
    };
    this.rows.events.push(row);
    this.stamp((d) => (row.createdAt = d));
    return row;
  }

  toolCall(toolName?: string, fail?: boolean, retry = 0, correlation?: string) {
    this.tick();
    const tool = tools.find((t) => t.name === toolName) ?? this.rng.weighted(tools.map((t) => [t, 1] as const));
    const success = fail === undefined ? this.rng.chance(tool.successRate) : !fail;
    const ms = this.rng.logNormal(tool.medianMs);
    const error = success ? null : this.rng.pick(tool.errors);
    const row: NewUserToolExecution = {
      executionId: this.rng.uuid(),
      userId: this.endUser,
      toolName: tool.name,
      success,
      executionTimeMs: ms,
      errorMessage: error,
      sessionId: this.session.id,
      context: { project: this.session.project, agent: this.session.agentName, task: this.session.currentTask },
      userSatisfaction: this.rng.chance(0.2) ? (success ? this.rng.int(3, 5) : this.rng.int(1, 3)) : null,
    };
    this.rows.tools.push(row);
    this.stamp((d) => (row.createdAt = d));
    this.usage(row.executionId!);
    this.event('tool_called', {
      status: success ? 'success' : 'error',
      durationMs: ms,
      retry,
      correlation,
      extra: { tool: tool.name, user_id: this.endUser, ...(error ? { error } : {}) },
    });
    this.toolCalls++;
    this.say('assistant', this.rng.pick(assistantLines), [{ name: tool.name, arguments: { step: this.toolCalls } }]);
    this.say('tool', success ? `${tool.name} ok (${ms} ms)` : `${tool.name} failed: ${error}`);
    return { success, error };
  }

  /**
   * The model turn behind a tool call, as POST /api/v1/tool-executions stores it (usage id = execution id, source
   * tool_execution): the prompt grows with the conversation, the answer is a few hundred tokens.
   */
  private usage(executionId: string) {
    const model = String(this.session.metadata?.model ?? 'claude-sonnet-4');
    const [inPrice, outPrice] = modelPrices[model] ?? modelPrices['claude-sonnet-4'];
    const inputTokens = Math.min(60_000, 1_500 + this.messageCount * this.rng.int(250, 450));
    const outputTokens = this.rng.int(120, 1_400);
    const row: NewUsageRecord = {
      usageId: executionId,
      sessionId: this.session.id,
      project: this.session.project,
      model,
      inputTokens,
      outputTokens,
      cost: Math.round(((inputTokens * inPrice + outputTokens * outPrice) / 1e6) * 1e6) / 1e6,
      source: 'tool_execution',
    };
    this.rows.usage.push(row);
    this.stamp((d) => (row.createdAt = d));
  }

  work(steps: number) {
    for (let i = 0; i < steps; i++) {
      this.toolCall();
      if (i % 7 === 6) {
        const task = this.session.currentTask ?? 'task';
        this.tasksDone.push(`task-${this.tasksDone.length + 1}`);
        this.event('task_completed', { status: 'success', extra: { task } });
        this.checkpoint('task_completion');
        this.session.currentTask = this.rng.pick(this.tasks);
        this.say('user', this.session.currentTask);
      } else if (i % 11 === 10) {
        this.checkpoint(this.rng.chance(0.25) ? 'manual' : 'periodic');
      }
    }
  }

  checkpoint(type: CheckpointType) {
    this.tick(0.3);
    const history = this.messages.map((m) => ({ ...m }));
    const json = JSON.stringify(history);
    const row: NewSessionCheckpoint = {
      id: this.rng.uuid(),
      sessionId: this.session.id!,
      sequence: this.checkpoints.length + 1,
      checkpointType: type,
      conversationHistory: history,
      currentTaskId: `task-${this.tasksDone.length + 1}`,
      messageCount: this.messageCount,
      completedTasks: [...this.tasksDone],
      metricsSnapshot: {
        tool_calls: this.toolCalls,
        tokens_used: this.messageCount * this.rng.int(300, 900),
        cost_usd: Math.round(this.messageCount * this.rng.int(1, 4)) / 100,
      },
      sizeBytes: Buffer.byteLength(json),
      contentHash: createHash('sha256').update(json).digest('hex'),
      isValid: true,
    };
    this.checkpoints.push(row);
    this.rows.checkpoints.push(row);
    this.stamp((d) => (row.createdAt = d));
    this.event('checkpoint_created', {
      status: 'success',
      extra: { checkpoint_id: row.id, sequence: row.sequence, checkpoint_type: type, size_bytes: row.sizeBytes },
    });
    return row;
  }

  invalidateAfter(sequence: number, reason: string, actor: string) {
    for (const c of this.checkpoints) {
      if (c.sequence > sequence && c.isValid) this.invalidate(c, reason, actor);
    }
  }

  invalidate(c: NewSessionCheckpoint, reason: string, actor: string) {
    c.isValid = false;
    c.invalidationReason = reason;
    this.stamp((d) => (c.invalidatedAt = d));
    this.event('checkpoint_invalidated', { status: 'success', actor, extra: { checkpoint_id: c.id, sequence: c.sequence, reason } });
  }

  /** The failing calls that lead an agent to pause, then the pause itself (open). */
  pause(type: PauseType, opts: { preCheckpoint?: boolean } = {}) {
    const tool = toolForPause[type];
    const correlation = this.rng.uuid();
    const failures = type === 'retry_limit' ? 3 : type === 'manual' ? 0 : 1;
    const recent: { tool: string; success: boolean; error?: string; at: string }[] = [];
    this.toolCall();
    for (let r = 0; r < failures; r++) {
      const res = this.toolCall(tool, true, r, correlation);
      const call: (typeof recent)[number] = { tool, success: false, error: res.error ?? undefined, at: '' };
      recent.push(call);
      this.stamp((d) => (call.at = d.toISOString()));
    }
    const checkpoint = opts.preCheckpoint === false ? undefined : this.checkpoint('pre_intervention');
    this.tick();
    const picked = this.rng.pick(pauseReasons[type]);
    const reason = picked.reason;
    const error = recent.at(-1)?.error ?? picked.error;
    const pause: NewPausedSession = {
      id: this.rng.uuid(),
      sessionId: this.session.id!,
      reason,
      pauseType: type,
      currentTask: this.session.currentTask,
      context: { ...(error ? { last_error: error } : {}), recent_tool_calls: recent },
      checkpointId: checkpoint?.id ?? null,
      resolved: false,
    };
    this.rows.pauses.push(pause);
    this.stamp((d) => (pause.pausedAt = d));
    const actor = type === 'manual' ? this.rng.pick(engineers) : 'agent';
    this.action(pause, 'paused', actor, type === 'manual' ? 'user' : 'agent', reason);
    this.event('session_paused', {
      status: 'paused',
      actor,
      correlation,
      extra: { paused_session_id: pause.id, pause_type: type, reason },
    });
    this.session.status = 'paused';
    return pause;
  }

  action(pause: NewPausedSession, action: NewInterventionAction['action'], actor: string, actorType: 'user' | 'agent' | 'system', note?: string, details: Record<string, unknown> = {}) {
    const row: NewInterventionAction = { pausedSessionId: pause.id!, sessionId: this.session.id!, action, actor, actorType, note: note ?? null, details };
    this.rows.actions.push(row);
    this.stamp((d) => (row.createdAt = d));
  }

  assign(pause: NewPausedSession) {
    this.tick(0.5);
    const who = this.rng.pick(engineers);
    pause.assignedTo = who;
    this.stamp((d) => (pause.assignedAt = d));
    this.action(pause, 'assigned', who, 'user', `Taking this one`);
    this.event('intervention_assigned', { status: 'success', actor: who, extra: { paused_session_id: pause.id, assigned_to: who } });
  }

  notify(pause: NewPausedSession) {
    this.action(pause, 'notified', 'system', 'system', 'Webhook and in-app notification sent', { channels: ['in_app', 'webhook'] });
    this.event('intervention_notified', { status: 'success', actor: 'system', extra: { paused_session_id: pause.id } });
  }

  note(pause: NewPausedSession) {
    this.tick(0.5);
    const who = this.rng.pick(engineers);
    this.action(pause, 'note', who, 'user', this.rng.pick(['Looking into it', 'Upstream incident open, waiting', 'Asked the owning team']));
    this.event('intervention_note', { status: 'success', actor: who, extra: { paused_session_id: pause.id } });
  }

  resolve(pause: NewPausedSession, resolution: Resolution) {
    this.tick(2);
    const who = this.rng.pick(engineers);
    const note = this.rng.pick(resolutionNotes[resolution]);
    pause.resolved = true;
    pause.resolution = resolution;
    pause.resolvedBy = who;
    pause.resolutionNote = note;
    this.stamp((d) => (pause.resolvedAt = d));
    this.action(pause, resolution, who, 'user', note);
    const type = { resumed: 'session_resumed', aborted: 'session_aborted', restored: 'session_restored' }[resolution];
    this.event(type, { status: resolution, actor: who, extra: { paused_session_id: pause.id } });
    this.session.status = resolution === 'aborted' ? 'aborted' : resolution === 'restored' ? 'recovering' : 'running';
    if (resolution === 'resumed') this.say('user', `${note}. ${this.rng.pick(userLines)}`);
    return who;
  }

  /** Restore from a checkpoint: later checkpoints are superseded; the recovery ends with `outcome` (or stays open). */
  recover(method: 'manual' | 'automatic', outcome: RecoveryStatus, opts: { pause?: NewPausedSession; by?: string } = {}) {
    const valid = this.checkpoints.filter((c) => c.isValid && c.checkpointType !== 'pre_intervention');
    const target = valid.length > 1 ? valid[valid.length - 2] : (valid[0] ?? this.checkpoint('periodic'));
    const by = opts.by ?? (method === 'automatic' ? 'system' : this.rng.pick(engineers));
    this.invalidateAfter(target.sequence!, 'superseded by restore', by);
    const correlation = this.rng.uuid();
    const rec: NewCheckpointRecovery = {
      id: this.rng.uuid(),
      checkpointId: target.id!,
      sessionId: this.session.id!,
      pausedSessionId: opts.pause?.id ?? null,
      recoveryMethod: method,
      recoveryStatus: outcome,
      initiatedBy: by,
      modifications: method === 'manual' && this.rng.chance(0.4) ? { instruction: 'Skip the flaky integration test' } : null,
    };
    this.rows.recoveries.push(rec);
    this.stamp((d) => (rec.startedAt = d));
    this.event('recovery_started', { status: 'in_progress', actor: by, correlation, extra: { recovery_id: rec.id, checkpoint_id: target.id, method } });
    this.session.status = 'recovering';
    if (outcome === 'in_progress') return rec;
    this.tick(outcome === 'abandoned' ? 3 : 0.6);
    if (outcome === 'failed') rec.error = this.rng.pick(recoveryErrors);
    if (outcome === 'abandoned') rec.error = recoveryAbandonedReason(SEEDED_ABANDON_AFTER_S);
    const done = this.event(`recovery_${outcome}`, {
      status: outcome,
      actor: outcome === 'abandoned' ? 'system' : this.session.agentName,
      correlation,
      extra: { recovery_id: rec.id, checkpoint_id: target.id, ...(rec.error ? { error: rec.error } : {}) },
    });
    // Real durations, not the stretched story clock: a restore takes seconds; abandonment waits out the timeout.
    const seconds =
      outcome === 'succeeded' ? this.rng.int(3, 90) : outcome === 'failed' ? this.rng.int(5, 60) : this.rng.int(SEEDED_ABANDON_AFTER_S, SEEDED_ABANDON_AFTER_S + 60);
    const ms = seconds * 1000 + this.rng.int(0, 999);
    this.stamp(() => {
      const end = new Date(rec.startedAt!.getTime() + ms);
      rec.completedAt = end;
      done.createdAt = end;
      if (outcome !== 'abandoned') rec.deliveredAt = new Date(rec.startedAt!.getTime() + Math.min(ms, 1500));
      rec.recoveryDurationSeconds = ms / 1000;
    });
    this.tick(3);
    this.session.status = outcome === 'succeeded' ? 'running' : this.session.status;
    return rec;
  }

  finish(status: SessionStatus, error?: string) {
    this.tick();
    this.session.status = status;
    if (error) this.session.error = error;
    if (status === 'completed' || status === 'failed' || status === 'aborted') {
      this.stamp((d) => (this.session.endedAt = d));
      if (status !== 'aborted') this.event(`session_${status}`, { status, extra: error ? { error } : {} });
    }
    this.stamp((d) => (this.session.lastHeartbeatAt = d));
  }

  /** The story clock now, to split the placement at this point (see `place`). */
  mark() {
    return this.v;
  }

  /**
   * Stretch the virtual clock onto [start, end]. With a knee, what happened before the knee's mark is stretched onto
   * [start, knee.at] and what happened after it onto [knee.at, end], so a story's last scene can be minutes long
   * while its beginning spans hours.
   */
  place(start: number, end: number, knee?: { v: number; at: number }) {
    const span = Math.max(this.v, 1);
    const at = (v: number) => {
      if (!knee) return start + ((end - start) * v) / span;
      if (v < knee.v) return start + ((knee.at - start) * v) / Math.max(knee.v, 1e-9);
      return knee.at + ((end - knee.at) * (v - knee.v)) / Math.max(span - knee.v, 1e-9);
    };
    for (const s of this.stamps) s.set(new Date(Math.round(at(s.v))));
  }
}

export type DemoCounts = Record<keyof Rows | 'retryLog' | 'checklists', number>;

export function buildDemoRows(now: Date, salt = 0): { rows: Rows; rng: Prng } {
  const rng = new Prng(0x5eed + salt);
  const rows: Rows = { sessions: [], checkpoints: [], pauses: [], actions: [], recoveries: [], events: [], tools: [], usage: [] };
  const t = now.getTime();
  let n = 0;
  for (const [status, count] of Object.entries(demoStatusCounts) as [SessionStatus, number][]) {
    for (let i = 0; i < count; i++) {
      n++;
      const project = projects[n % projects.length];
      const story = new SessionStory(rng, rows, {
        project,
        agent: rng.pick(project.agents),
        externalId: `demo-${String(salt + n).padStart(4, '0')}`,
      });
      const type = pauseTypes[i % pauseTypes.length];
      const otherType = pauseTypes[(i + 2) % pauseTypes.length];
      story.work(rng.int(18, 34));
      let start: number;
      let end: number;
      switch (status) {
        case 'running': {
          if (i % 4 === 0) {
            const p = story.pause(otherType);
            if (i % 8 === 0) story.note(p);
            story.resolve(p, 'resumed');
          } else if (i % 4 === 1) {
            story.recover('automatic', 'succeeded');
          } else if (i % 4 === 2) {
            const p = story.pause(otherType);
            story.recover('manual', 'succeeded', { pause: p, by: story.resolve(p, 'restored') });
          }
          if (i % 3 === 0) story.checkpoint('manual');
          story.work(rng.int(8, 20));
          story.finish('running');
          // The last heartbeat is seconds old: the demo's simulator carries these runs on and keeps them fresh.
          end = t - rng.int(5_000, 45_000);
          start = end - rng.int(30 * MIN, 3 * DAY);
          break;
        }
        case 'paused': {
          if (i % 3 === 0) story.resolve(story.pause(otherType), 'resumed');
          story.work(rng.int(4, 10));
          const p = story.pause(type, { preCheckpoint: i % 4 !== 3 });
          if (i % 2 === 0) story.notify(p);
          if (i % 3 === 1) {
            story.assign(p);
            story.note(p);
          }
          story.finish('paused');
          end = t - rng.int(10 * MIN, 2 * DAY);
          start = end - rng.int(30 * MIN, DAY);
          break;
        }
        case 'recovering': {
          if (i === 1) {
            story.recover('automatic', 'abandoned');
            story.work(15);
          }
          const knee = story.mark();
          if (i % 2 === 0) {
            const p = story.pause(type);
            story.notify(p);
            story.recover('manual', 'in_progress', { pause: p, by: story.resolve(p, 'restored') });
          } else {
            story.recover('automatic', 'in_progress');
          }
          story.finish('recovering');
          // The open restore began a minute or three ago, well inside the abandonment timeout, so the agent (the
          // demo's simulator) picks it up instead of the background job abandoning it at once.
          end = t - rng.int(5_000, 30_000);
          start = end - rng.int(HOUR, DAY);
          story.place(start, end, { v: knee, at: end - rng.int(40_000, 180_000) });
          continue;
        }
        case 'completed': {
          if (i % 5 === 0) story.resolve(story.pause(type), 'resumed');
          else if (i % 5 === 1) {
            const p = story.pause(type);
            story.recover('manual', 'succeeded', { pause: p, by: story.resolve(p, 'restored') });
          } else if (i % 5 === 2) story.recover('automatic', 'succeeded');
          else if (i % 5 === 3) {
            story.recover('automatic', 'abandoned');
            story.recover('automatic', 'succeeded');
          }
          story.work(rng.int(5, 15));
          story.checkpoint('task_completion');
          story.finish('completed');
          start = t - rng.int(2 * HOUR, 30 * DAY);
          end = Math.min(start + rng.int(20 * MIN, 8 * HOUR), t - 5 * MIN);
          break;
        }
        case 'failed': {
          const errorCp = () => story.checkpoint('error');
          if (i % 3 === 0) {
            const p = story.pause('error');
            story.recover('manual', 'failed', { pause: p, by: story.resolve(p, 'restored') });
            errorCp();
          } else if (i % 3 === 1) {
            const cp = errorCp();
            story.invalidate(cp, invalidationReasons[1 + (i % 2)], 'system');
          } else {
            errorCp();
            story.recover('automatic', 'failed');
          }
          story.finish('failed', rng.pick(recoveryErrors.concat(['unrecoverable tool error: sandbox out of memory'])));
          start = t - rng.int(2 * HOUR, 30 * DAY);
          end = Math.min(start + rng.int(20 * MIN, 6 * HOUR), t - 5 * MIN);
          break;
        }
        case 'aborted': {
          if (i % 3 === 0) {
            const p = story.pause(otherType);
            story.recover('manual', 'abandoned', { pause: p, by: story.resolve(p, 'restored') });
          }
          const p = story.pause(type);
          story.note(p);
          story.resolve(p, 'aborted');
          story.finish('aborted');
          start = t - rng.int(2 * HOUR, 30 * DAY);
          end = Math.min(start + rng.int(20 * MIN, 6 * HOUR), t - 5 * MIN);
          break;
        }
      }
      story.place(start, end);
    }
  }
  // Tool executions outside any session (agents' direct tool use), with per-user preferences so the Tools page's
  // "preferred tools" differ between users.
  const userWeights = new Map(toolUsers.map((u) => [u, tools.map((tool) => [tool, 0.2 + rng.next() * (rng.chance(0.3) ? 4 : 1)] as const)]));
  for (let k = 0; k < 2200; k++) {
    const user = rng.pick(toolUsers);
    const tool = rng.weighted(userWeights.get(user)!);
    const success = rng.chance(tool.successRate);
    rows.tools.push({
      executionId: rng.uuid(),
      userId: user,
      toolName: tool.name,
      success,
      executionTimeMs: rng.logNormal(tool.medianMs),
      errorMessage: success ? null : rng.pick(tool.errors),
      sessionId: null,
      context: { source: 'direct' },
      userSatisfaction: rng.chance(0.25) ? (success ? rng.int(3, 5) : rng.int(1, 3)) : null,
      createdAt: new Date(t - Math.floor(rng.next() * rng.next() * 30 * DAY) - rng.int(0, MIN)),
    });
  }
  return { rows, rng };
}

async function insertChunks<T>(items: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await insert(items.slice(i, i + size));
}

export async function seedDemo(db: Db, options: { now: Date; salt: number; log: (line: string) => void; embedded: boolean }): Promise<DemoCounts> {
  const { rows, rng } = buildDemoRows(options.now, options.salt);
  const { log } = options;
  // Checkpoints first: pauses and recoveries point at them; actions, events and tools point at sessions/pauses.
  await insertChunks(rows.sessions, 500, (c) => db.insert(agentSessions).values(c));
  await insertChunks(rows.checkpoints, 200, (c) => db.insert(sessionCheckpoints).values(c));
  await insertChunks(rows.pauses, 500, (c) => db.insert(pausedSessions).values(c));
  await insertChunks(rows.actions, 1000, (c) => db.insert(interventionActions).values(c));
  await insertChunks(rows.recoveries, 500, (c) => db.insert(checkpointRecoveries).values(c));
  log(`  sessions ${rows.sessions.length}, checkpoints ${rows.checkpoints.length}, pauses ${rows.pauses.length}, recoveries ${rows.recoveries.length}`);
  await insertChunks(rows.events, 1000, (c) => db.insert(executionEvents).values(c));
  await insertChunks(rows.tools, 1000, (c) => db.insert(userToolHistory).values(c));
  await insertChunks(rows.usage, 1000, (c) => db.insert(usageRecords).values(c));
  log(`  events ${rows.events.length}, tool executions ${rows.tools.length}, usage reports ${rows.usage.length}`);
  // An embedded database has one in-process connection: nothing the retry log records can happen to it.
  const retryLog = options.embedded ? 0 : await seedRetryLog(db, rng, options.now);
  const checklists = await seedChecklists(db, rng, options.now);
  return {
    sessions: rows.sessions.length,
    checkpoints: rows.checkpoints.length,
    pauses: rows.pauses.length,
    actions: rows.actions.length,
    recoveries: rows.recoveries.length,
    events: rows.events.length,
    tools: rows.tools.length,
    usage: rows.usage.length,
    retryLog,
    checklists,
  };
}

/**
 * A few minutes of retry roll-ups over the last three hours, of the kinds a Postgres server gives the data layer's
 * retry wrapper (lib/db/retry.ts): a failover refusing connections, deadlocks and serialization failures between
 * concurrent writers, connections closed by a restart. Only for a Postgres server, never for the embedded PGlite.
 */
export async function seedRetryLog(db: Db, rng: Prng, now: Date): Promise<number> {
  const operations = ['pause_session', 'create_checkpoint', 'ingest_events', 'record_tool_execution'];
  const classes = ['connection_refused', 'deadlock_detected', 'serialization_failure', 'connection_closed'];
  const base = Math.floor(now.getTime() / MIN) * MIN;
  const rowsOut = [];
  for (let m = 3; m < 180; m += rng.int(4, 15)) {
    const retries = rng.int(1, 6);
    const failed = rng.chance(0.15) ? 1 : 0;
    rowsOut.push({
      minute: new Date(base - m * MIN),
      operation: rng.pick(operations),
      errorClass: rng.weighted([[classes[0], 5], [classes[1], 2], [classes[2], 1], [classes[3], 2]] as const),
      retries,
      recovered: Math.max(0, Math.ceil(retries / 2) - failed),
      failed,
    });
  }
  await db.insert(dbRetryLog).values(rowsOut).onConflictDoNothing();
  return rowsOut.length;
}
