#!/usr/bin/env python3
"""Drives whole consents concurrently against one or more Consent nodes, for the fault tests.

Each worker starts a session as the clinician, verifies as the patient and walks every step,
alternating between the given nodes request by request. A submission that fails for lack of a
service (connection refused, 502, 503) is retried with the same Idempotency-Key, as a careful
client would; every submission that got a 2xx is written to the summary so the caller can check
that the database kept it. Stops by itself after --seconds. Loopback addresses only.

Usage: load.py --nodes http://127.0.0.1:PORT[,http://127.0.0.1:PORT2] --password PW --seconds 20
               --workers 6 --out summary.json
"""
import argparse
import os
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

STATUS_LOCK = threading.Lock()


class Stats:
    def __init__(self):
        self.by_status = {}
        self.sent = 0
        self.acknowledged = []      # [session_id, idempotency key] of 2xx step submissions
        self.sessions = []          # ids of sessions created (201)
        self.completed = []         # ids of sessions countersigned
        self.retry_after_missing = 0
        self.timeline = []          # (time, status) for recovery measurements

    def count(self, status, headers):
        with STATUS_LOCK:
            self.sent += 1
            self.by_status[status] = self.by_status.get(status, 0) + 1
            self.timeline.append((time.time(), status))
            if status == 503 and not headers.get("Retry-After"):
                self.retry_after_missing += 1


def call(stats, base, method, path, body=None, token=None, key=None, timeout=10):
    host = urllib.parse.urlparse(base).hostname
    assert host in ("127.0.0.1", "localhost", "::1"), "fault tests only talk to loopback"
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, response_headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, raw, response_headers = error.code, error.read(), dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        status, raw, response_headers = 0, b"", {}
    stats.count(status, response_headers)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, parsed


def answer(step):
    kind = step["type"]
    if kind == "questions":
        return {"answers": {q["id"]: (False if q["kind"] == "yes-no" else
                                      (q.get("options") or [{"value": "none"}])[0]["value"])
                            for q in step.get("questions") or []}}
    if kind == "disclosure":
        body = {"acknowledged": True, "contentHash": step["contentHash"]}
        if step.get("acknowledge") == "initials":
            body["initials"] = "JD"
        return body
    if kind == "comprehension":
        # The API never reveals the right answers: answer the first option. A miss twice opens
        # a hold that the clinician clears before signing, which this driver also does.
        return {"answers": {q["id"]: q["options"][0]["value"] for q in step.get("questions") or []}}
    if kind == "ask":
        return {"done": True}
    if kind == "signature":
        return {"fullName": "Jane Doe", "certify": True, "strokes": [[[5, 5], [60, 30], [120, 10]]]}
    raise ValueError(kind)


class Deadline:
    """When the load stops starting consents: --seconds after the start, or, with --until-file, the
    moment that file appeared (the scenario creates it once what it waits for has happened), and no
    later than --seconds. Called, not read: a restart that takes long keeps the load going."""

    def __init__(self, limit, until_file):
        self.limit, self.until_file = limit, until_file

    def __call__(self):
        if not self.until_file:
            return self.limit
        try:
            return min(self.limit, os.path.getmtime(self.until_file))
        except FileNotFoundError:
            return min(self.limit, time.time() + 5)


class Worker(threading.Thread):
    def __init__(self, index, nodes, password, deadline, stats):
        super().__init__(daemon=True)
        self.index, self.nodes, self.password, self.deadline, self.stats = index, nodes, password, deadline, stats
        self.turn = index
        self.clinician = None

    def node(self):
        self.turn += 1
        return self.nodes[self.turn % len(self.nodes)]

    def retrying(self, method, path, body=None, token=None, key=None):
        """Retries while no service answers (down, restarting, database away), like a real client."""
        while time.time() < self.deadline() + 30:
            status, parsed = call(self.stats, self.node(), method, path, body, token, key)
            if status in (0, 502, 503):
                time.sleep(0.3)
                continue
            return status, parsed
        return 0, None

    def login(self):
        status, parsed = self.retrying("POST", "/api/v1/auth/login",
                                       {"email": "clinician@example.org", "password": self.password})
        self.clinician = parsed["accessToken"] if status == 200 else None

    def run(self):
        self.login()
        while time.time() < self.deadline() and self.clinician:
            self.one_consent()

    def one_consent(self):
        status, started = self.retrying("POST", "/api/v1/sessions", {
            "workflowId": "ketamine-iv-depression", "language": "en",
            "patient": {"name": "Jane Doe", "dateOfBirth": "1975-06-30"}}, token=self.clinician)
        if status != 201:
            return
        session_id = started["id"]
        with STATUS_LOCK:
            self.stats.sessions.append(session_id)
        link = started["patientUrl"].rstrip("/").split("/")[-1]
        status, verified = self.retrying("POST", f"/api/v1/patient/{link}/verify", {"dateOfBirth": "1975-06-30"})
        if status != 200:
            return
        ticket = verified["accessToken"]
        for _ in range(80):
            if time.time() > self.deadline() + 20:
                return
            status, current = self.retrying("GET", f"/api/v1/patient/{link}/current", token=ticket)
            if status != 200:
                return
            step = current.get("step")
            if step is None:
                if current.get("sessionStatus") == "AwaitingCountersign":
                    status, _ = self.retrying("POST", f"/api/v1/sessions/{session_id}/countersign",
                                              {"password": self.password, "statementAccepted": True},
                                              token=self.clinician)
                    if status == 200:
                        with STATUS_LOCK:
                            self.stats.completed.append(session_id)
                return
            if step["type"] == "signature" and step.get("waitingFor"):
                self.retrying("POST", f"/api/v1/sessions/{session_id}/discussions",
                              {"note": "Went through the points again with the patient."}, token=self.clinician)
                continue
            key = str(uuid.uuid4())
            status, _ = self.retrying("POST", f"/api/v1/patient/{link}/steps/{step['id']}", answer(step),
                                      token=ticket, key=key)
            if 200 <= status < 300:
                with STATUS_LOCK:
                    self.stats.acknowledged.append([session_id, key])
            elif status == 401 or status == 403:
                return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--out", required=True)
    parser.add_argument("--until-file", help="start new consents until this file exists (then --seconds is only the upper limit)")
    args = parser.parse_args()
    nodes = [n.strip().rstrip("/") for n in args.nodes.split(",") if n.strip()]
    stats = Stats()
    deadline = Deadline(time.time() + args.seconds, args.until_file)
    workers = [Worker(i, nodes, args.password, deadline, stats) for i in range(args.workers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=args.seconds + 90)
    summary = {
        "sent": stats.sent,
        "byStatus": {str(k): v for k, v in sorted(stats.by_status.items())},
        "2xx": sum(v for k, v in stats.by_status.items() if 200 <= k < 300),
        "4xx": sum(v for k, v in stats.by_status.items() if 400 <= k < 500),
        "5xx": sum(v for k, v in stats.by_status.items() if 500 <= k < 600),
        "500": stats.by_status.get(500, 0),
        "503": stats.by_status.get(503, 0),
        "connectionErrors": stats.by_status.get(0, 0),
        "retryAfterMissing": stats.retry_after_missing,
        "acknowledged": stats.acknowledged,
        "sessions": stats.sessions,
        "completed": stats.completed,
        "timeline": stats.timeline,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(summary, f)
    print(f"sent {summary['sent']}, 2xx {summary['2xx']}, 4xx {summary['4xx']}, 5xx {summary['5xx']} "
          f"(500: {summary['500']}, 503: {summary['503']}), no answer {summary['connectionErrors']}, "
          f"submissions acknowledged {len(stats.acknowledged)}, sessions {len(stats.sessions)}, "
          f"completed {len(stats.completed)}")


if __name__ == "__main__":
    main()
