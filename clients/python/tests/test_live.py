"""The client against a running Flightdeck: FLIGHTDECK_URL and FLIGHTDECK_TOKEN (scopes ingest, control, read).
Skipped without them; e2e/python-client.spec.ts runs them against the Playwright suite's server."""

import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from flightdeck import ApiError, Client  # noqa: E402

URL = os.environ.get("FLIGHTDECK_URL")
TOKEN = os.environ.get("FLIGHTDECK_TOKEN")


@unittest.skipUnless(URL and TOKEN, "set FLIGHTDECK_URL and FLIGHTDECK_TOKEN to run against a Flightdeck")
class LiveTests(unittest.TestCase):
    def setUp(self) -> None:
        self.fd = Client(URL or "", TOKEN or "", timeout=15)
        self.project = f"py-live-{uuid.uuid4().hex[:6]}"

    def session(self, **extra: str) -> str:
        return self.fd.create_session({"project": self.project, "agent": "py-test", "externalId": str(uuid.uuid4()), **extra})["id"]

    def test_a_session_lives_checkpoints_and_finishes(self) -> None:
        ext = str(uuid.uuid4())
        first = self.fd.create_session({"project": self.project, "agent": "py-test", "externalId": ext, "currentTask": "t1"})
        again = self.fd.create_session({"project": self.project, "agent": "py-test", "externalId": ext})
        self.assertEqual((first["created"], again["created"]), (True, False))
        self.assertEqual(again["id"], first["id"])
        self.assertEqual((first["project"], first["agentName"], first["status"]), (self.project, "py-test", "running"))
        sid = first["id"]

        self.assertEqual(self.fd.heartbeat(sid, {"currentTask": "t2"})["status"], "running")
        history = [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi"}]
        cp = self.fd.create_checkpoint(sid, {"checkpointType": "manual", "conversationHistory": history, "currentTaskId": "t2", "completedTasks": ["t1"]})
        self.assertEqual((cp["sequence"], cp["created"]), (1, True))
        listed = self.fd.list_checkpoints(sid)
        self.assertEqual([(c["id"], c["completedTasks"]) for c in listed], [(cp["id"], ["t1"])])
        full = self.fd.get_checkpoint(cp["id"])
        self.assertEqual(full["conversationHistory"], history)

        self.assertEqual(self.fd.get_control(sid), {"action": "continue", "status": "running"})
        done = self.fd.finish_session(sid, {"status": "completed"})
        self.assertEqual((done["status"], done["id"]), ("completed", sid))
        self.assertIsNotNone(done["endedAt"])

    def test_a_pause_waits_until_its_deadline(self) -> None:
        sid = self.session()
        p = self.fd.pause(sid, {"reason": "needs a look", "pauseType": "blocker", "context": {"why": "test"}})
        self.assertEqual((p["sessionId"], p["reason"], p["resolved"]), (sid, "needs a look", False))
        started = time.monotonic()
        d = self.fd.wait_for_control(sid, timeout=1.0)
        self.assertEqual((d["action"], d.get("pausedSessionId")), ("wait", p["id"]))
        self.assertLess(time.monotonic() - started, 10)

    def test_events_and_tool_executions_are_stored_once_and_rated(self) -> None:
        sid = self.session()
        events = [{"eventType": "py.step", "aggregateId": sid, "eventId": str(uuid.uuid4())} for _ in range(3)]
        self.assertEqual(self.fd.post_events(events), {"received": 3, "inserted": 3, "duplicates": 0})
        self.assertEqual(self.fd.post_events(events), {"received": 3, "inserted": 0, "duplicates": 3})

        user = f"py-user-{uuid.uuid4().hex[:6]}"
        first = self.fd.post_tool_executions(
            [{"userId": user, "toolName": "grep", "success": True, "executionTimeMs": 12, "sessionId": sid} for _ in range(4)]
            + [{"userId": user, "toolName": "sed", "success": False, "errorMessage": "boom", "sessionId": sid}]
        )
        self.assertEqual((first["received"], first["inserted"], len(first["executionIds"])), (5, 5, 5))
        replay = self.fd.post_tool_executions({"executionId": first["executionIds"][4], "userId": user, "toolName": "sed", "success": False})
        self.assertEqual((replay["inserted"], replay["duplicates"]), (0, 1))

        rated = self.fd.rate_tool_execution(first["executionIds"][0], 5)
        self.assertEqual(rated, {"executionId": first["executionIds"][0], "userSatisfaction": 5})
        ranked = self.fd.preferred_tools(user, ["sed", "grep"], "mean")
        self.assertEqual(ranked["userId"], user)
        self.assertEqual([t["tool"] for t in ranked["tools"]], ["grep", "sed"])

    def test_a_session_budget_pauses_it_and_control_says_why(self) -> None:
        s = self.fd.create_session({"project": self.project, "agent": "py-test", "externalId": str(uuid.uuid4()), "budget": {"maxTokens": 100}})  # type: ignore[typeddict-item]
        self.assertEqual(s["budgetTokens"], 100)
        first = self.fd.report_session_usage(s["id"], {"model": "gpt-4o-mini", "inputTokens": 40, "outputTokens": 10, "costUsd": 0.01})
        self.assertEqual((first["recorded"], first["usage"]["inputTokens"], first["paused"]), (True, 40, None))
        self.fd.post_tool_executions([{"userId": "u", "toolName": "llm", "success": True, "sessionId": s["id"], "inputTokens": 60}])
        d = self.fd.get_control(s["id"])
        self.assertEqual((d["action"], d.get("pauseType"), d.get("reason")), ("wait", "budget", "Session token budget reached: 110 tokens of 100 tokens"))
        with self.assertRaises(ApiError) as bad:
            self.fd.report_session_usage(s["id"], {"model": "not a model", "inputTokens": 1})
        self.assertEqual((bad.exception.status, [f["path"] for f in bad.exception.fields]), (422, ["model"]))

    def test_usage_is_stored_once_and_takes_the_sessions_project(self) -> None:
        sid = self.session()
        reports = [
            {"usageId": str(uuid.uuid4()), "sessionId": sid, "model": "m", "inputTokens": 120, "outputTokens": 30, "cost": 0.002},
            {"usageId": str(uuid.uuid4()), "project": self.project, "inputTokens": 5, "outputTokens": 1},
        ]
        self.assertEqual(self.fd.report_usage(reports), {"received": 2, "inserted": 2, "duplicates": 0})  # type: ignore[arg-type]
        self.assertEqual(self.fd.report_usage(reports[0]), {"received": 1, "inserted": 0, "duplicates": 1})  # type: ignore[arg-type]
        with self.assertRaises(ApiError) as ctx:
            self.fd.report_usage({"usageId": str(uuid.uuid4()), "project": "p", "inputTokens": -1, "outputTokens": 0})
        self.assertEqual(ctx.exception.status, 422)
        self.assertIn("inputTokens", [f["path"] for f in ctx.exception.fields])
        with self.assertRaises(ApiError) as ctx:
            self.fd.report_usage({"usageId": str(uuid.uuid4()), "sessionId": str(uuid.uuid4()), "inputTokens": 1, "outputTokens": 1})
        self.assertEqual(ctx.exception.status, 404)

    def test_a_runner_heartbeats_its_sessions_in_one_batch_all_or_none(self) -> None:
        a, b = self.session(), self.session()
        beats = self.fd.heartbeats([{"id": a, "currentTask": "t2"}, {"id": b}])
        self.assertEqual(beats, [{"id": a, "status": "running"}, {"id": b, "status": "running"}])
        ghost = str(uuid.uuid4())
        with self.assertRaises(ApiError) as ctx:
            self.fd.heartbeats([{"id": a, "currentTask": "never"}, {"id": ghost}])
        self.assertEqual(ctx.exception.status, 422)
        self.assertEqual([f["path"] for f in ctx.exception.fields], ["sessions.1.id"])
        self.assertIn(ghost, ctx.exception.fields[0]["message"])

    def test_bad_input_raises_the_api_error_with_its_fields(self) -> None:
        with self.assertRaises(ApiError) as ctx:
            self.fd.create_session({"project": "", "agent": "py-test"})
        e = ctx.exception
        self.assertEqual((e.status, e.code), (422, "unprocessable"))
        self.assertIn("project", [f["path"] for f in e.fields])

        with self.assertRaises(ApiError) as ctx:
            self.fd.rate_tool_execution(str(uuid.uuid4()), 9)
        self.assertEqual(ctx.exception.status, 422)
        self.assertIn("userSatisfaction", [f["path"] for f in ctx.exception.fields])

        with self.assertRaises(ApiError) as ctx:
            self.fd.get_checkpoint(str(uuid.uuid4()))
        self.assertEqual((ctx.exception.status, ctx.exception.code), (404, "not_found"))

        with self.assertRaises(ApiError) as ctx:
            Client(URL or "", "fd_not_a_real_token").heartbeat(str(uuid.uuid4()))
        self.assertEqual(ctx.exception.status, 401)


if __name__ == "__main__":
    unittest.main()
