"""examples/python_agent.py against a running Flightdeck, paused and answered by a person in the console.

The agent's side is the agent API; the person's side (Resume / Restore / Abort in the Interventions inbox) is a
console action, which has no agent API on purpose. So when the agent has paused, this test asks for a person on
stdout — one line `FLIGHTDECK_PERSON_WANTED {json}` naming the session, the action and the note or reason — and
waits (bounded) for the agent to get the decision and finish. e2e/python-client.spec.ts is that person: it reads
the line and clicks in a signed-in browser. A developer can be too: FLIGHTDECK_PERSON=stdout, then answer in the
console. Needs FLIGHTDECK_URL, FLIGHTDECK_TOKEN and FLIGHTDECK_PERSON=stdout; skipped otherwise.
"""

import importlib.util
import json
import os
import queue
import sys
import threading
import unittest
import uuid
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

from flightdeck import Client  # noqa: E402

URL = os.environ.get("FLIGHTDECK_URL")
TOKEN = os.environ.get("FLIGHTDECK_TOKEN")
PERSON = os.environ.get("FLIGHTDECK_PERSON")
DECISION_TIMEOUT = float(os.environ.get("FLIGHTDECK_DECISION_TIMEOUT", "90"))


def load_example() -> Any:
    path = os.path.join(HERE, "..", "..", "..", "examples", "python_agent.py")
    spec = importlib.util.spec_from_file_location("python_agent", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@unittest.skipUnless(URL and TOKEN and PERSON == "stdout", "needs FLIGHTDECK_URL, FLIGHTDECK_TOKEN and a person (FLIGHTDECK_PERSON=stdout)")
class ExampleAgentTests(unittest.TestCase):
    def setUp(self) -> None:
        self.fd = Client(URL or "", TOKEN or "", timeout=15)
        self.example = load_example()
        self.project = f"py-agent-{uuid.uuid4().hex[:6]}"

    def run_until_decided(self, person: Dict[str, str]) -> Dict[str, Any]:
        """Starts the agent, waits for its pause, asks the person for `person`, returns the agent's result."""
        lines: "queue.Queue[str]" = queue.Queue()
        outcome: Dict[str, Any] = {}

        def agent() -> None:
            try:
                outcome["result"] = self.example.run(
                    self.fd, self.project, agent="py-agent", decision_timeout=DECISION_TIMEOUT, say=lines.put
                )
            except BaseException as e:  # reported to the test below
                outcome["error"] = e
            finally:
                lines.put("(agent ended)")

        t = threading.Thread(target=agent, daemon=True)
        t.start()
        seen = []
        while True:
            line = lines.get(timeout=30)
            seen.append(line)
            if line.startswith("paused session") or line == "(agent ended)":
                break
        self.assertTrue(seen[-1].startswith("paused session"), seen)
        session_id = seen[-1].split()[2].rstrip(";")
        # Paused as a person sees it: the session's control answer is `wait`.
        self.assertEqual(self.fd.get_control(session_id)["action"], "wait")
        ask = {"project": self.project, "agent": "py-agent", "sessionId": session_id, **person}
        print("FLIGHTDECK_PERSON_WANTED " + json.dumps(ask), flush=True)
        t.join(DECISION_TIMEOUT + 30)
        self.assertFalse(t.is_alive(), "the agent did not finish after the decision")
        if "error" in outcome:
            raise outcome["error"]
        result: Dict[str, Any] = outcome["result"]
        self.assertEqual(result["sessionId"], session_id)
        return result

    def test_resumed_by_a_person_it_goes_on_with_the_note_and_completes(self) -> None:
        note = f"Approved, deploy with care {uuid.uuid4().hex[:4]}"
        r = self.run_until_decided({"action": "resume", "note": note})
        self.assertEqual(r["decision"]["action"], "resume")
        self.assertEqual(r["decision"]["note"], note)
        self.assertTrue(r["decision"]["resolvedBy"])
        self.assertEqual(r["doneAfterDecision"], ["deploy"])
        self.assertIn({"role": "user", "content": note, "source": "flightdeck"}, r["history"])
        self.assertEqual(r["outcome"], "completed")
        # What the API now says about the session.
        checkpoints = self.fd.list_checkpoints(r["sessionId"])
        self.assertEqual(len(checkpoints), 4)
        self.assertEqual(max(checkpoints, key=lambda c: c["sequence"])["completedTasks"],
                         ["read-failing-test", "fix-parser", "run-tests", "deploy"])
        self.assertEqual(self.fd.get_control(r["sessionId"]), {"action": "continue", "status": "completed"})

    def test_restored_by_a_person_it_continues_from_the_checkpoint_and_reports_the_recovery(self) -> None:
        r = self.run_until_decided({"action": "restore"})
        d = r["decision"]
        self.assertEqual(d["action"], "restore")
        self.assertEqual(d["checkpoint"]["sequence"], 3)
        self.assertEqual(d["checkpoint"]["completedTasks"], ["read-failing-test", "fix-parser", "run-tests"])
        self.assertEqual(r["doneAfterDecision"], ["deploy"])
        self.assertEqual(r["outcome"], "completed")
        again = self.fd.complete_recovery(d["recoveryId"], {"status": "succeeded"})
        self.assertEqual((again["alreadyCompleted"], again["recovery"]["recoveryStatus"]), (True, "succeeded"))

    def test_aborted_by_a_person_it_stops(self) -> None:
        reason = f"Not today {uuid.uuid4().hex[:4]}"
        r = self.run_until_decided({"action": "abort", "reason": reason})
        self.assertEqual((r["outcome"], r["decision"]["action"], r["decision"]["reason"]), ("aborted", "abort", reason))
        self.assertNotIn("deploy", r["completed"])
        self.assertEqual(self.fd.get_control(r["sessionId"])["action"], "abort")
        self.assertEqual(len(self.fd.list_checkpoints(r["sessionId"])), 3)


if __name__ == "__main__":
    unittest.main()
