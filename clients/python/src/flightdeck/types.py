"""Result shapes of the agent API v1, mirroring lib/api/schemas.ts (the server's zod schemas).

Results are TypedDicts: plain dicts at run time (so a field the server adds later does not break an older
client), typed for editors and type checkers. Timestamps are ISO 8601 strings, as on the wire.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

Json = Dict[str, Any]
SessionStatus = str  # running | paused | recovering | completed | failed | aborted (lib/db/schema/enums.ts)


class Session(TypedDict):
    id: str
    project: str
    agentName: str
    externalId: Optional[str]
    status: SessionStatus
    currentTask: Optional[str]
    metadata: Json
    error: Optional[str]
    startedAt: str
    endedAt: Optional[str]
    lastHeartbeatAt: str
    budgetCostUsd: Optional[float]  # the session's own budget (None: the project's default applies)
    budgetTokens: Optional[int]


class CreatedSession(Session):
    """A session from create_session; `created` is False when the externalId already existed (HTTP 200)."""

    created: bool


class Heartbeat(TypedDict):
    status: SessionStatus


class SessionHeartbeat(TypedDict):
    """One session of a batch heartbeat (Client.heartbeats)."""

    id: str
    status: SessionStatus


class CreatedCheckpoint(TypedDict):
    id: str
    sequence: int
    created: bool


class CheckpointSummary(TypedDict):
    id: str
    sessionId: str
    sequence: int
    checkpointType: str
    currentTaskId: Optional[str]
    messageCount: int
    completedTasks: List[str]
    metricsSnapshot: Json
    sizeBytes: int
    contentHash: Optional[str]
    isValid: bool
    invalidatedAt: Optional[str]
    invalidationReason: Optional[str]
    createdAt: str


class Checkpoint(CheckpointSummary):
    conversationHistory: List[Any]


class Pause(TypedDict):
    id: str
    sessionId: str
    reason: str
    pauseType: str
    currentTask: Optional[str]
    context: Json
    checkpointId: Optional[str]
    pausedAt: str
    resolved: bool


class ContinueDecision(TypedDict):
    action: Literal["continue"]
    status: str


class WaitDecision(TypedDict):
    action: Literal["wait"]
    pausedSessionId: str
    reason: str
    pauseType: str
    pausedAt: str


class ResumeDecision(TypedDict):
    action: Literal["resume"]
    pausedSessionId: str
    note: Optional[str]
    resolvedBy: Optional[str]


class AbortDecision(TypedDict):
    action: Literal["abort"]
    reason: str
    resolvedBy: Optional[str]


class RestoreCheckpoint(TypedDict):
    id: str
    sequence: int
    checkpointType: str
    conversationHistory: List[Any]
    currentTaskId: Optional[str]
    messageCount: int
    completedTasks: List[str]
    metricsSnapshot: Json


class RestoreModifications(TypedDict, total=False):
    currentTask: str
    instruction: str


class RestoreDecision(TypedDict):
    action: Literal["restore"]
    recoveryId: str
    checkpoint: RestoreCheckpoint
    modifications: Optional[RestoreModifications]


ControlDecision = Union[ContinueDecision, WaitDecision, ResumeDecision, AbortDecision, RestoreDecision]


class Recovery(TypedDict):
    id: str
    sessionId: str
    checkpointId: str
    recoveryStatus: str
    startedAt: str
    completedAt: Optional[str]
    error: Optional[str]


class RecoveryResult(TypedDict):
    recovery: Recovery
    alreadyCompleted: bool


class IngestResult(TypedDict):
    received: int
    inserted: int
    duplicates: int


class ToolIngestResult(IngestResult):
    """post_tool_executions also returns the execution ids it sent (generated where the caller gave none)."""

    executionIds: List[str]


class Satisfaction(TypedDict):
    executionId: str
    userSatisfaction: int


class ToolScore(TypedDict, total=False):
    tool: str
    score: float


class PreferredTools(TypedDict):
    userId: str
    tools: List[ToolScore]


class FieldError(TypedDict):
    path: str
    message: str


# ---- inputs (the request bodies; keys as on the wire)


class EventInput(TypedDict, total=False):
    eventId: str
    eventType: str
    aggregateType: str
    aggregateId: str
    metadata: Json


class _UsageRequired(TypedDict):
    usageId: str
    inputTokens: int
    outputTokens: int


class UsageReport(_UsageRequired, total=False):
    """usageId is the client id (a replay is stored once); project is required without sessionId."""

    sessionId: str
    project: str
    model: str
    cost: float


class ToolExecutionInput(TypedDict, total=False):
    executionId: str
    userId: str
    toolName: str
    success: bool
    executionTimeMs: int
    errorMessage: Optional[str]
    sessionId: Optional[str]
    context: Json
    userSatisfaction: Optional[int]
    createdAt: str
    # Usage of the execution (needs sessionId): counted against the session's budgets.
    model: str
    inputTokens: int
    outputTokens: int
    costUsd: float


class Budget(TypedDict, total=False):
    """create_session's `budget`: each > 0; leave one out for no limit."""

    maxCostUsd: float
    maxTokens: int


class SessionUsageInput(TypedDict, total=False):
    """report_session_usage's body: at least one of inputTokens, outputTokens, costUsd (each ≥ 0). model is a model
    id: a letter or digit, then letters, digits and . _ : / @ + - (no spaces, ≤ 128)."""

    usageId: str
    model: str
    inputTokens: int
    outputTokens: int
    costUsd: float


class UsageTotals(TypedDict):
    inputTokens: float
    outputTokens: float
    costUsd: float


class BudgetInForce(TypedDict):
    maxCostUsd: Optional[float]
    maxTokens: Optional[float]


class BudgetPause(TypedDict):
    pausedSessionId: str
    reason: str


class SessionUsageResult(TypedDict):
    """`paused` is set when this report reached a budget: the session waits for a person (control answers `wait`)."""

    recorded: bool
    usage: UsageTotals
    budget: BudgetInForce
    paused: Optional[BudgetPause]
