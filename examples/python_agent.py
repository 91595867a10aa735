#!/usr/bin/env python3
"""An agent that works, checkpoints, pauses for a person and does what they decide — with the Python client.

    pip install ./clients/python
    FLIGHTDECK_URL=http://localhost:3000 FLIGHTDECK_TOKEN=fd_… python3 examples/python_agent.py --project demo

It registers a session, does its tasks (each a tool execution and an event, then a checkpoint), and before the
last task ("deploy") pauses with its latest checkpoint and waits for the decision made in the console's
Interventions inbox:
  resume  → goes on (the person's note becomes part of its instructions) and finishes `completed`;
  restore → takes the conversation and task list from the checkpoint the person chose, reports the recovery as
            succeeded, redoes what that checkpoint had not done, and finishes `completed`;
  abort   → stops at once (the console has already ended the session).
With no decision within --decision-timeout seconds it finishes `failed`. Exit code 0, or 2 when aborted,
3 on timeout.

The token needs the scopes ingest and control. `run()` is importable (clients/python/tests use it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from typing import Any, Callable, Dict, List, Optional

try:
    from flightdeck import ApiError, Client
except ImportError:  # run from a checkout without installing the client
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python", "src"))
    from flightdeck import ApiError, Client

# (task, the tool the agent uses for it)
TASKS = [
    ("read-failing-test", "read_file"),
    ("fix-parser", "edit_file"),
    ("run-tests", "run_tests"),
    ("deploy", "deploy"),
]
NEEDS_APPROVAL = "deploy"


def run(
    client: Client,
    project: str,
    agent: str = "python-agent",
    user_id: str = "python-example",
    decision_timeout: float = 600.0,
    say: Callable[[str], None] = print,
) -> Dict[str, Any]:
    """Runs the agent once; returns what happened: session id, the decision, the tasks done, the outcome."""
    session = client.create_session(
        {"project": project, "agent": agent, "externalId": str(uuid.uuid4()), "currentTask": TASKS[0][0]}
    )
    sid = session["id"]
    say(f"session {sid} started in {project}")
    history: List[Any] = [{"role": "user", "content": "Fix the failing parser test and deploy."}]
    completed: List[str] = []
    decision: Optional[Dict[str, Any]] = None
    done_after_decision: List[str] = []
    last_checkpoint: Optional[str] = None

    while len(completed) < len(TASKS):
        task, tool = next(t for t in TASKS if t[0] not in completed)
        if task == NEEDS_APPROVAL and decision is None:
            # Save where we are, pause with that checkpoint, and wait for the person.
            client.pause(
                sid,
                {
                    "reason": "About to deploy to production: needs a person's approval",
                    "pauseType": "blocker",
                    "currentTask": task,
                    "context": {"completedTasks": completed},
                    **({"checkpointId": last_checkpoint} if last_checkpoint else {}),
                },
            )
            say(f"paused session {sid}; waiting for a person's decision")
            d = client.wait_for_control(sid, timeout=decision_timeout)
            decision = dict(d)
            action = d["action"]
            if action == "wait":
                client.finish_session(sid, {"status": "failed", "error": f"no decision within {decision_timeout:.0f} s"})
                say("no decision in time; finished as failed")
                return {"sessionId": sid, "decision": decision, "completed": completed, "outcome": "timeout"}
            if action == "abort":
                say(f"aborted by {d.get('resolvedBy') or 'someone'}: {d.get('reason')}; stopping")
                return {"sessionId": sid, "decision": decision, "completed": completed, "outcome": "aborted"}
            if action == "restore":
                c = d["checkpoint"]
                history = list(c["conversationHistory"])
                completed = list(c["completedTasks"])
                client.complete_recovery(d["recoveryId"], {"status": "succeeded"})
                say(f"restored checkpoint #{c['sequence']} ({len(completed)} tasks done); recovery reported as succeeded")
                continue
            note = d.get("note") if action == "resume" else None
            if note:
                history.append({"role": "user", "content": note, "source": "flightdeck"})
            say(f"resumed by {d.get('resolvedBy') or 'someone'}" + (f'; note: "{note}"' if note else ""))

        started = time.monotonic()
        time.sleep(0.01)  # the work itself: here a stand-in for calling the tool
        history.append({"role": "assistant", "content": f"{tool} for {task}"})
        elapsed_ms = int((time.monotonic() - started) * 1000)
        client.post_tool_executions(
            {"userId": user_id, "toolName": tool, "success": True, "executionTimeMs": elapsed_ms, "sessionId": sid,
             "context": {"task": task}}
        )
        client.post_events({"eventType": "agent.task_done", "aggregateId": sid, "metadata": {"task": task, "tool": tool}})
        completed.append(task)
        if decision is not None:
            done_after_decision.append(task)
        last_checkpoint = client.create_checkpoint(
            sid,
            {"checkpointType": "task_completion", "conversationHistory": history, "currentTaskId": task,
             "messageCount": len(history), "completedTasks": completed},
        )["id"]
        client.heartbeat(sid, {"currentTask": task})
        say(f"done: {task}")

    finished = client.finish_session(sid, {"status": "completed"})
    say(f"finished: {finished['status']}")
    return {
        "sessionId": sid,
        "decision": decision,
        "completed": completed,
        "doneAfterDecision": done_after_decision,
        "history": history,
        "outcome": finished["status"],
    }


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default=os.environ.get("FLIGHTDECK_URL", "http://localhost:3000"))
    p.add_argument("--token", default=os.environ.get("FLIGHTDECK_TOKEN"))
    p.add_argument("--project", default="python-example")
    p.add_argument("--agent", default="python-agent")
    p.add_argument("--decision-timeout", type=float, default=600.0)
    args = p.parse_args(argv)
    if not args.token:
        print("Set FLIGHTDECK_TOKEN (or --token) to an API token with the scopes ingest and control.", file=sys.stderr)
        return 64
    try:
        result = run(Client(args.url, args.token), args.project, args.agent, decision_timeout=args.decision_timeout,
                     say=lambda line: print(line, flush=True))
    except ApiError as e:
        fields = "; ".join(f"{f['path']}: {f['message']}" for f in e.fields)
        print(f"Flightdeck answered {e.status} {e.code}: {e.message}" + (f" ({fields})" if fields else ""), file=sys.stderr)
        return 1
    return {"aborted": 2, "timeout": 3}.get(result["outcome"], 0)


if __name__ == "__main__":
    sys.exit(main())
