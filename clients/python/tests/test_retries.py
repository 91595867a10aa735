"""The client's own behaviour — retries, Retry-After, idempotency keys, error parsing, timeouts — against a local
stub server (http.server on 127.0.0.1) that answers from a script. Needs no Flightdeck."""

import email.utils
import gzip
import json
import os
import socket
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from flightdeck import ApiError, Client, retry_after_seconds  # noqa: E402

# (status, headers, body bytes, delay in seconds before answering)
Reply = Tuple[int, Dict[str, str], bytes, float]


def reply(status: int, body: Any = None, headers: Optional[Dict[str, str]] = None, delay: float = 0.0) -> Reply:
    raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    return status, {"Content-Type": "application/json", **(headers or {})}, raw, delay


class Stub:
    """Answers each request with the next scripted reply and records what it received."""

    def __init__(self, replies: List[Reply]) -> None:
        self.replies = list(replies)
        self.requests: List[Dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
                status, headers, raw, delay = stub.replies.pop(0) if stub.replies else reply(500, {"error": {"code": "stub", "message": "no reply left"}})
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PATCH = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


SESSION = {"session": {"id": "5b0f6f3e-0000-4000-8000-000000000001", "status": "running"}}


class RetryTests(unittest.TestCase):
    def setUp(self) -> None:
        self.sleeps: List[float] = []

    def client(self, stub: Stub, **kw: Any) -> Client:
        return Client(stub.url, "fd_test", sleep=self.sleeps.append, **kw)

    def stub(self, *replies: Reply) -> Stub:
        s = Stub(list(replies))
        self.addCleanup(s.close)
        return s

    def test_retry_after_seconds_is_honoured_and_the_idempotency_key_is_reused(self) -> None:
        s = self.stub(reply(503, {"error": {"code": "unavailable", "message": "busy"}}, {"Retry-After": "2"}), reply(201, SESSION))
        created = self.client(s).create_session({"project": "p", "agent": "a"})
        self.assertEqual(created["id"], SESSION["session"]["id"])
        self.assertTrue(created["created"])
        self.assertEqual(self.sleeps, [2.0])
        keys = [r["headers"].get("Idempotency-Key") for r in s.requests]
        self.assertEqual(len(keys), 2)
        self.assertTrue(keys[0])
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(s.requests[0]["body"], s.requests[1]["body"])
        self.assertEqual(s.requests[0]["headers"]["Authorization"], "Bearer fd_test")

    def test_retry_after_as_an_http_date_and_429(self) -> None:
        when = email.utils.formatdate(time.time() + 30, usegmt=True)
        s = self.stub(reply(429, {"error": {"code": "rate_limited", "message": "slow down"}}, {"Retry-After": when}), reply(200, {"status": "running"}))
        self.assertEqual(self.client(s).heartbeat("s1"), {"status": "running"})
        self.assertEqual(len(self.sleeps), 1)
        self.assertTrue(27 <= self.sleeps[0] <= 30, self.sleeps)

    def test_events_keep_their_client_ids_across_retries(self) -> None:
        s = self.stub(reply(502), reply(500), reply(200, {"received": 2, "inserted": 2, "duplicates": 0}))
        r = self.client(s).post_events([{"eventType": "a", "aggregateId": "x"}, {"eventType": "b", "aggregateId": "x", "eventId": "given"}])
        self.assertEqual(r["inserted"], 2)
        bodies = [json.loads(q["body"]) for q in s.requests]
        self.assertEqual(len(bodies), 3)
        self.assertEqual(bodies[0], bodies[2])
        self.assertEqual(bodies[0][1]["eventId"], "given")
        self.assertRegex(bodies[0][0]["eventId"], r"^[0-9a-f-]{36}$")
        self.assertEqual(len({q["headers"]["Idempotency-Key"] for q in s.requests}), 1)
        self.assertEqual(len(self.sleeps), 2)  # backoff without Retry-After

    def test_report_usage_posts_to_the_usage_endpoint_with_one_key_across_retries(self) -> None:
        s = self.stub(reply(503), reply(200, {"received": 1, "inserted": 1, "duplicates": 0}))
        report = {"usageId": "5b0f6f3e-0000-4000-8000-000000000009", "project": "p", "inputTokens": 10, "outputTokens": 2}
        r = self.client(s).report_usage(report)  # type: ignore[arg-type]
        self.assertEqual(r["inserted"], 1)
        self.assertEqual([(q["method"], q["path"]) for q in s.requests], [("POST", "/api/v1/usage")] * 2)
        self.assertEqual([json.loads(q["body"]) for q in s.requests], [report, report])
        keys = {q["headers"].get("Idempotency-Key") for q in s.requests}
        self.assertEqual(len(keys), 1)
        self.assertTrue(keys.pop())

    def test_batch_heartbeat_posts_all_sessions_at_once_and_waits_a_429s_retry_after(self) -> None:
        ids = ["5b0f6f3e-0000-4000-8000-00000000000a", "5b0f6f3e-0000-4000-8000-00000000000b"]
        answer = {"sessions": [{"id": ids[0], "status": "running"}, {"id": ids[1], "status": "paused"}]}
        s = self.stub(reply(429, {"error": {"code": "rate_limited", "message": "later"}}, {"Retry-After": "3"}), reply(200, answer))
        beats = self.client(s).heartbeats([{"id": ids[0], "currentTask": "t"}, {"id": ids[1]}])
        self.assertEqual(beats, answer["sessions"])
        self.assertEqual(self.sleeps, [3.0])
        self.assertEqual([(q["method"], q["path"]) for q in s.requests], [("POST", "/api/v1/heartbeats")] * 2)
        self.assertEqual(json.loads(s.requests[1]["body"]), {"sessions": [{"id": ids[0], "currentTask": "t"}, {"id": ids[1]}]})

    def test_each_call_has_its_own_key_and_get_has_none(self) -> None:
        s = self.stub(reply(200, {"status": "running"}), reply(200, {"status": "running"}), reply(200, {"checkpoints": []}))
        c = self.client(s)
        c.heartbeat("s1")
        c.heartbeat("s1")
        self.assertEqual(c.list_checkpoints("s1"), [])
        a, b, g = (q["headers"].get("Idempotency-Key") for q in s.requests)
        self.assertNotEqual(a, b)
        self.assertIsNone(g)

    def test_a_validation_error_carries_code_message_and_fields_and_is_not_retried(self) -> None:
        body = {"error": {"code": "unprocessable", "message": "The request body is invalid",
                          "fields": [{"path": "project", "message": "Too small"}, {"path": "agent", "message": "Required"}]}}
        s = self.stub(reply(422, body))
        with self.assertRaises(ApiError) as ctx:
            self.client(s).create_session({"project": "", "agent": None})
        e = ctx.exception
        self.assertEqual((e.status, e.code, e.message), (422, "unprocessable", "The request body is invalid"))
        self.assertEqual([f["path"] for f in e.fields], ["project", "agent"])
        self.assertEqual(len(s.requests), 1)
        self.assertEqual(self.sleeps, [])

    def test_a_body_not_in_the_api_shape_gives_http_error(self) -> None:
        s = self.stub(reply(404, b"<html>not here</html>", {"Content-Type": "text/html"}))
        with self.assertRaises(ApiError) as ctx:
            self.client(s).get_checkpoint("x")
        self.assertEqual((ctx.exception.status, ctx.exception.code, ctx.exception.fields), (404, "http_error", []))

    def test_retries_are_bounded_in_attempts(self) -> None:
        s = self.stub(*[reply(503, {"error": {"code": "unavailable", "message": "down"}})] * 5)
        with self.assertRaises(ApiError) as ctx:
            self.client(s, max_retries=2).heartbeat("s1")
        self.assertEqual((ctx.exception.status, ctx.exception.code), (503, "unavailable"))
        self.assertEqual(len(s.requests), 3)
        self.assertEqual(len(self.sleeps), 2)

    def test_retries_are_bounded_in_total_time(self) -> None:
        s = self.stub(reply(429, {"error": {"code": "rate_limited", "message": "later"}}, {"Retry-After": "45"}))
        with self.assertRaises(ApiError) as ctx:
            self.client(s, max_retry_seconds=10).heartbeat("s1")
        self.assertEqual(ctx.exception.status, 429)
        self.assertEqual(self.sleeps, [])  # waiting 45 s would pass the 10 s budget: give up at once
        self.assertEqual(len(s.requests), 1)

    def test_network_errors_are_retried_then_raised(self) -> None:
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        c = Client(f"http://127.0.0.1:{port}", "fd_test", max_retries=3, sleep=self.sleeps.append)
        with self.assertRaises(OSError):
            c.heartbeat("s1")
        self.assertEqual(len(self.sleeps), 3)

    def test_a_slow_answer_times_out_and_is_retried_with_the_same_key(self) -> None:
        s = self.stub(reply(200, {"status": "running"}, delay=1.5), reply(200, {"status": "paused"}))
        started = time.monotonic()
        self.assertEqual(self.client(s, timeout=0.3).heartbeat("s1"), {"status": "paused"})
        self.assertLess(time.monotonic() - started, 1.4)
        self.assertEqual(len(self.sleeps), 1)
        self.assertEqual(s.requests[0]["headers"]["Idempotency-Key"], s.requests[1]["headers"]["Idempotency-Key"])

    def test_long_poll_sends_wait_and_a_gzip_answer_is_read(self) -> None:
        decision = {"decision": {"action": "resume", "pausedSessionId": "p", "note": "go", "resolvedBy": "e@x"}}
        s = self.stub(reply(200, gzip.compress(json.dumps(decision).encode()), {"Content-Encoding": "gzip"}))
        self.assertEqual(self.client(s).get_control("s/1", wait=99)["action"], "resume")
        self.assertEqual(s.requests[0]["path"], "/api/v1/sessions/s%2F1/control?wait=30")
        self.assertEqual(s.requests[0]["headers"]["Accept-Encoding"], "gzip")

    def test_wait_for_control_returns_the_last_wait_at_its_deadline(self) -> None:
        waiting = {"decision": {"action": "wait", "pausedSessionId": "p", "reason": "r", "pauseType": "blocker", "pausedAt": "t"}}
        s = self.stub(*[reply(200, waiting, delay=0.2)] * 20)
        started = time.monotonic()
        d = self.client(s).wait_for_control("s1", timeout=0.5, poll_seconds=25)
        self.assertEqual(d["action"], "wait")
        self.assertLess(time.monotonic() - started, 3)
        self.assertTrue(all("wait=1" in q["path"] for q in s.requests), [q["path"] for q in s.requests])

    def test_retry_after_parsing(self) -> None:
        self.assertEqual(retry_after_seconds("3"), 3.0)
        self.assertEqual(retry_after_seconds("-1"), 0.0)
        self.assertIsNone(retry_after_seconds(None))
        self.assertIsNone(retry_after_seconds("soon"))
        self.assertEqual(retry_after_seconds("Thu, 01 Jan 1970 00:00:10 GMT", now=4.0), 6.0)


if __name__ == "__main__":
    unittest.main()
