"""Client of the Flightdeck agent API v1 — the Python twin of lib/api-client/index.ts.

Every POST carries an Idempotency-Key generated once per logical call and reused by its retries, and events /
tool executions get client ids, so at-least-once delivery is applied once. Retries: network errors, 429 and
5xx, exponential backoff with jitter, honouring Retry-After, bounded by `max_retries` attempts and by
`max_retry_seconds` of waiting in all. Every request has a timeout (long-polls add their wait to it).
"""

from __future__ import annotations

import email.utils
import gzip
import json
import math
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple, Union, cast

from .types import (
    Checkpoint,
    CheckpointSummary,
    ControlDecision,
    CreatedCheckpoint,
    CreatedSession,
    EventInput,
    FieldError,
    Heartbeat,
    SessionHeartbeat,
    IngestResult,
    Pause,
    PreferredTools,
    RecoveryResult,
    Satisfaction,
    Session,
    SessionUsageInput,
    SessionUsageResult,
    ToolExecutionInput,
    ToolIngestResult,
    UsageReport,
)

__all__ = ["Client", "ApiError", "retry_after_seconds"]

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0


class ApiError(Exception):
    """An answer outside 2xx: `status`, the API's `code` and `message`, and `fields` naming bad input.

    The API always answers errors as {"error": {"code", "message", "fields"?: [{path, message}]}}; a body that is
    not in that shape (a proxy's HTML page) gives code "http_error".
    """

    def __init__(self, status: int, body: Any) -> None:
        err = body.get("error") if isinstance(body, dict) else None
        err = err if isinstance(err, dict) else {}
        self.status: int = status
        self.code: str = str(err.get("code") or "http_error")
        self.message: str = str(err.get("message") or f"HTTP {status}")
        raw_fields = err.get("fields")
        self.fields: List[FieldError] = (
            [cast(FieldError, {"path": str(f.get("path")), "message": str(f.get("message"))}) for f in raw_fields if isinstance(f, dict)]
            if isinstance(raw_fields, list)
            else []
        )
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"ApiError(status={self.status}, code={self.code!r}, message={self.message!r}, fields={self.fields!r})"


def retry_after_seconds(header: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds to wait: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not header:
        return None
    value = header.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if at is None:
        return None
    return max(0.0, at.timestamp() - (time.time() if now is None else now))


Query = Mapping[str, Union[str, int, float, None]]


class Client:
    """`Client(base_url, token)`; methods mirror the TypeScript client's, in snake_case.

    >>> fd = Client("http://localhost:3000", "fd_…")
    >>> s = fd.create_session({"project": "billing", "agent": "coder"})
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        base_delay: float = 0.25,
        max_delay: float = 10.0,
        max_retry_seconds: float = 120.0,
        user_agent: str = "flightdeck-python/0.1",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url or not token:
            raise ValueError("Client needs base_url and token")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_seconds = max_retry_seconds
        self.user_agent = user_agent
        self._sleep = sleep

    # ---- transport

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Optional[Query] = None,
        timeout: Optional[float] = None,
    ) -> Tuple[int, Any]:
        """One logical call: (status, parsed JSON body). Raises ApiError, or the last network error."""
        url = self.base_url + path
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "User-Agent": self.user_agent,
        }
        payload: Optional[bytes] = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())  # once per call, the same on every retry
        per_attempt = self.timeout if timeout is None else timeout
        waited = 0.0
        attempt = 0
        while True:
            backoff = min(self.max_delay, self.base_delay * 2**attempt) * (0.5 + random.random() / 2)
            req = urllib.request.Request(url, data=payload, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=per_attempt) as res:
                    return res.status, _read_json(res.read(), res.headers.get("Content-Encoding"))
            except urllib.error.HTTPError as err:
                try:
                    data = _read_json(err.read(), err.headers.get("Content-Encoding"))
                except (OSError, ValueError):
                    data = None
                finally:
                    err.close()
                if err.code not in RETRYABLE_STATUS:
                    raise ApiError(err.code, data) from None
                after = retry_after_seconds(err.headers.get("Retry-After"))
                delay = backoff if after is None else min(after, MAX_RETRY_AFTER_S)
                if attempt >= self.max_retries or waited + delay > self.max_retry_seconds:
                    raise ApiError(err.code, data) from None
            except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError):
                delay = backoff
                if attempt >= self.max_retries or waited + delay > self.max_retry_seconds:
                    raise
            self._sleep(delay)
            waited += delay
            attempt += 1

    def _post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body)[1]

    def _get(self, path: str, query: Optional[Query] = None) -> Any:
        return self.request("GET", path, query=query)[1]

    # ---- sessions

    def create_session(self, input: Mapping[str, Any]) -> CreatedSession:
        """Registers a run: {project, agent, externalId?, currentTask?, metadata?, budget?: {maxCostUsd?, maxTokens?}}. `created` is False when the
        project already had a session with this externalId (the API answers 200 with it)."""
        status, data = self.request("POST", "/api/v1/sessions", body=dict(input))
        return cast(CreatedSession, {**data["session"], "created": status == 201})

    def heartbeat(self, session_id: str, input: Optional[Mapping[str, Any]] = None) -> Heartbeat:
        return cast(Heartbeat, self._post(f"/api/v1/sessions/{_id(session_id)}/heartbeat", dict(input or {})))

    def heartbeats(self, sessions: Sequence[Mapping[str, Any]]) -> List[SessionHeartbeat]:
        """One heartbeat for up to 1000 sessions, each {id, currentTask?}: all applied, or none (ApiError 422 whose
        `fields` name each unknown id)."""
        body = {"sessions": [dict(s) for s in sessions]}
        return cast(List[SessionHeartbeat], self._post("/api/v1/heartbeats", body)["sessions"])

    def finish_session(self, session_id: str, input: Mapping[str, Any]) -> Session:
        """{status: 'completed' | 'failed', error?}."""
        return cast(Session, self._post(f"/api/v1/sessions/{_id(session_id)}/finish", dict(input))["session"])

    # ---- checkpoints

    def create_checkpoint(self, session_id: str, input: Mapping[str, Any]) -> CreatedCheckpoint:
        """{checkpointType, conversationHistory, currentTaskId?, messageCount?, completedTasks?, metricsSnapshot?}."""
        return cast(CreatedCheckpoint, self._post(f"/api/v1/sessions/{_id(session_id)}/checkpoints", dict(input)))

    def list_checkpoints(self, session_id: str) -> List[CheckpointSummary]:
        return cast(List[CheckpointSummary], self._get(f"/api/v1/sessions/{_id(session_id)}/checkpoints")["checkpoints"])

    def get_checkpoint(self, checkpoint_id: str) -> Checkpoint:
        return cast(Checkpoint, self._get(f"/api/v1/checkpoints/{_id(checkpoint_id)}")["checkpoint"])

    # ---- pause and control

    def pause(self, session_id: str, input: Mapping[str, Any]) -> Pause:
        """{reason, pauseType, currentTask?, context?, checkpointId?}."""
        return cast(Pause, self._post(f"/api/v1/sessions/{_id(session_id)}/pause", dict(input))["pause"])

    def get_control(self, session_id: str, wait: Optional[float] = None) -> ControlDecision:
        """What to do now; with `wait` (0–30 s) the server long-polls while the answer is `wait`."""
        w = None if wait is None else min(max(wait, 0.0), 30.0)
        _, data = self.request(
            "GET",
            f"/api/v1/sessions/{_id(session_id)}/control",
            query={"wait": None if w is None else _num(w)},
            timeout=self.timeout + (w or 0.0),
        )
        return cast(ControlDecision, data["decision"])

    def wait_for_control(self, session_id: str, timeout: float = 30 * 60.0, poll_seconds: float = 25.0) -> ControlDecision:
        """Long-polls until the decision is not `wait` or `timeout` seconds pass (then returns the last `wait`)."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            decision = self.get_control(session_id, wait=float(math.ceil(min(poll_seconds, left))))
            if decision["action"] != "wait" or time.monotonic() >= deadline:
                return decision

    def complete_recovery(self, recovery_id: str, input: Mapping[str, Any]) -> RecoveryResult:
        """{status: 'succeeded' | 'failed', error?}."""
        return cast(RecoveryResult, self._post(f"/api/v1/recoveries/{_id(recovery_id)}/complete", dict(input)))

    # ---- events and tool executions

    def post_events(self, events: Union[EventInput, Iterable[EventInput]]) -> IngestResult:
        """One event or a batch (≤ 1000). Each gets a client eventId here, before any retry, so a replayed
        batch is stored once."""
        one = isinstance(events, Mapping)
        items = [{**e, "eventId": e.get("eventId") or str(uuid.uuid4())} for e in ([events] if one else list(events))]  # type: ignore[list-item]
        return cast(IngestResult, self._post("/api/v1/events", items[0] if one else items))

    def post_tool_executions(self, items: Union[ToolExecutionInput, Iterable[ToolExecutionInput]]) -> ToolIngestResult:
        """One execution or a batch (≤ 1000), each with a client executionId (returned in `executionIds`)."""
        one = isinstance(items, Mapping)
        rows = [{**e, "executionId": e.get("executionId") or str(uuid.uuid4())} for e in ([items] if one else list(items))]  # type: ignore[list-item]
        data = self._post("/api/v1/tool-executions", rows[0] if one else rows)
        return cast(ToolIngestResult, {**data, "executionIds": [r["executionId"] for r in rows]})

    def report_usage(self, records: Union[UsageReport, Iterable[UsageReport]]) -> IngestResult:
        """Token usage and cost, one report or a batch (≤ 1000); each report's usageId makes a replay count once."""
        one = isinstance(records, Mapping)
        return cast(IngestResult, self._post("/api/v1/usage", records if one else list(records)))

    def report_session_usage(self, session_id: str, input: SessionUsageInput) -> SessionUsageResult:
        """Tokens and cost of one session (a usageId is added, so a retried call is stored once). The answer has the
        session's totals, the budget in force and `paused` when this report reached a budget."""
        body = {**input, "usageId": input.get("usageId") or str(uuid.uuid4())}
        return cast(SessionUsageResult, self._post(f"/api/v1/sessions/{_id(session_id)}/usage", body))

    def rate_tool_execution(self, execution_id: str, user_satisfaction: int) -> Satisfaction:
        _, data = self.request(
            "PATCH", f"/api/v1/tool-executions/{_id(execution_id)}", body={"userSatisfaction": user_satisfaction}
        )
        return cast(Satisfaction, data)

    def preferred_tools(self, user_id: str, tools: Iterable[str], strategy: Optional[str] = None) -> PreferredTools:
        """Tools ranked by a Bayesian success estimate; strategy 'mean' | 'lower_bound' | 'thompson'."""
        return cast(
            PreferredTools,
            self._get("/api/v1/tools/preferred", {"userId": user_id, "tools": ",".join(tools), "strategy": strategy}),
        )


def _id(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _read_json(raw: bytes, encoding: Optional[str]) -> Any:
    if encoding and encoding.lower() == "gzip":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None

