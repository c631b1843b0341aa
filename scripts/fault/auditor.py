#!/usr/bin/env python3
"""The auditor's reads during a fault (scenario f): each answer is checked against the primary.

Signs in as the demo auditor and, until --seconds have passed, repeatedly reads what an auditor reads
through the service: the session search (GET /api/v1/sessions), the timeline of the session most
recently written (GET /api/v1/sessions/{id}/events) and, every fifth round, the records export
(GET /api/v1/exports/records.zip). Just before each read it notes, on the primary itself (psql), what
had been committed by then. The service may serve an auditor's read from the standby, and says so:
Consent-Read-Source (standby or primary) and Consent-Read-Lag (at most how many seconds of commits the
answer may lack; docs/RELIABILITY.md, "Replication"). The rule each answer is held to:

  - 200, never a 500; a timeline's chain verifies (a standby's snapshot is stale at most, never torn);
  - Consent-Read-Lag is at most --max-lag;
  - the answer holds everything committed before the read began, less at most the last
    Consent-Read-Lag seconds of it (an event counts by its time stamp, which is taken before its
    commit: one second is allowed for that).

Usage: auditor.py --node URL --password PW --pg-port PORT --database DB --seconds 20 --max-lag 5 --out reads.json
       auditor.py --judge reads.json --paused START END --max-lag 5
The first form exits 1 when any answer broke the rule; the second also wants the rule to have been
used both ways: some reads served by the standby, and, while the replay was paused for longer than
--max-lag, reads that went to the primary instead.
"""
import argparse
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

SLACK = 1.0  # seconds between an event's time stamp and its commit


def sql(port, database, query):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "consent", "-d", database, "-tA", "-F", "|", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line.strip()]


def call(base, path, token=None, body=None, method="GET"):
    assert urllib.parse.urlparse(base).hostname in ("127.0.0.1", "localhost", "::1"), "fault tests only talk to loopback"
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b"", {}


def read(args, token, what, path, count_committed):
    """One read: what the primary had committed just before, then the service's answer."""
    started = time.time()
    committed = count_committed()
    status, raw, headers = call(args.node, path, token)
    answer = {"what": what, "at": started, "done": time.time(), "status": status, "source": headers.get("Consent-Read-Source"),
              "lag": float(headers.get("Consent-Read-Lag") or "nan"), "problems": []}
    return answer, raw, committed


def main_read(args):
    status, raw, _ = call(args.node, "/api/v1/auth/login", body={"email": "auditor@example.org", "password": args.password}, method="POST")
    if status != 200:
        print(f"auditor sign-in failed: {status}")
        return 1
    token = json.loads(raw)["accessToken"]
    port, db = args.pg_port, args.database
    reads = []
    deadline = time.time() + args.seconds
    rounds = 0
    while time.time() < deadline:
        rounds += 1
        # The session search: every session created before the read, less those of the last `lag` seconds.
        answer, raw, committed = read(args, token, "search", "/api/v1/sessions?limit=500",
                                      lambda: {r[0]: float(r[1]) for r in sql(port, db, "SELECT id, extract(epoch FROM created_at) FROM consent_sessions")})
        if answer["status"] == 200:
            listed = {s["id"] for s in json.loads(raw)}
            lag = answer["lag"] if answer["lag"] == answer["lag"] else 0.0
            cutoff = answer["at"] - (lag + SLACK if lag > 0 else 0)
            owed = [i for i, created in committed.items() if created < cutoff]
            answer["missing"] = len([i for i in owed if i not in listed])
        reads.append(answer)

        # The timeline of the session written last.
        latest = sql(port, db, "SELECT id FROM consent_sessions ORDER BY updated_at DESC LIMIT 1")
        if latest:
            session = latest[0][0]
            answer, raw, committed = read(args, token, "timeline", f"/api/v1/sessions/{session}/events",
                                          lambda: [float(r[0]) for r in sql(port, db, f"SELECT extract(epoch FROM at) FROM consent_events WHERE session_id = '{session}'")])
            if answer["status"] == 200:
                chain = json.loads(raw)
                lag = answer["lag"] if answer["lag"] == answer["lag"] else 0.0
                owed = len(committed) if lag == 0 else sum(1 for at in committed if at < answer["at"] - lag - SLACK)
                answer["missing"] = max(0, owed - len(chain["events"]))
                if not chain["verified"]:
                    answer["problems"].append(f"chain of {session} did not verify: {chain.get('problem')}")
            reads.append(answer)

        # The records export, every fifth round (it is the heaviest read).
        if rounds % 5 == 1:
            answer, raw, committed = read(args, token, "export", "/api/v1/exports/records.zip",
                                          lambda: [float(r[0]) for r in sql(port, db, "SELECT extract(epoch FROM issued_at) FROM consent_records")])
            if answer["status"] == 200:
                with zipfile.ZipFile(io.BytesIO(raw)) as z:
                    lines = z.read("manifest.csv").decode().strip().splitlines()[1:]
                lag = answer["lag"] if answer["lag"] == answer["lag"] else 0.0
                owed = len(committed) if lag == 0 else sum(1 for at in committed if at < answer["at"] - lag - SLACK)
                answer["missing"] = max(0, owed - len(lines))
            reads.append(answer)
        time.sleep(0.2)

    for answer in reads:
        if answer["status"] != 200:
            answer["problems"].append(f"{answer['what']} answered {answer['status']}")
        elif answer["source"] not in ("standby", "primary"):
            answer["problems"].append(f"{answer['what']} did not say where it was read (Consent-Read-Source)")
        elif answer["lag"] > args.max_lag:
            answer["problems"].append(f"{answer['what']} from the {answer['source']} with a lag of {answer['lag']} s, over {args.max_lag}")
        if answer.get("missing"):
            answer["problems"].append(f"{answer['what']} lacked {answer['missing']} item(s) committed before the read (lag said {answer['lag']} s)")
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(reads, f)
    wrong = [a for a in reads if a["problems"]]
    print(summary_line(reads))
    for a in wrong[:10]:
        print("  PROBLEM: " + "; ".join(a["problems"]))
    return 1 if wrong or not reads else 0


def summary_line(reads):
    standby = [a for a in reads if a.get("source") == "standby"]
    stale = [a["lag"] for a in standby if a["lag"] > 0]
    return (f"auditor reads {len(reads)} (search {sum(a['what'] == 'search' for a in reads)}, timeline {sum(a['what'] == 'timeline' for a in reads)}, "
            f"export {sum(a['what'] == 'export' for a in reads)}): standby {len(standby)} ({len(stale)} behind, at most "
            f"{max(stale, default=0):.2f} s), primary {sum(a.get('source') == 'primary' for a in reads)}, "
            f"wrong {sum(1 for a in reads if a['problems'])}")


def main_judge(args):
    reads = json.load(open(args.judge, encoding="utf-8"))
    start, end = args.paused
    problems = [p for a in reads for p in a["problems"]]
    if not any(a["source"] == "standby" for a in reads):
        problems.append("no read was served by the standby: the read source was never used")
    # Read wholly inside the pause, once the lag had passed the limit: begun after it, answered before the resume.
    late = [a for a in reads if start + args.max_lag + 1.5 < a["at"] and a["done"] < end]
    if not late:
        problems.append("no read while the standby lagged more than the limit")
    elif any(a["source"] != "primary" for a in late):
        problems.append(f"{sum(a['source'] != 'primary' for a in late)} read(s) served by the standby while it lagged more than the limit")
    print(summary_line(reads) + f"; while paused past the limit: {len(late)} read(s), from the primary {sum(a['source'] == 'primary' for a in late)}")
    for p in problems[:10]:
        print("  PROBLEM: " + p)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--node")
    parser.add_argument("--password")
    parser.add_argument("--pg-port")
    parser.add_argument("--database")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-lag", type=float, default=5)
    parser.add_argument("--out")
    parser.add_argument("--judge")
    parser.add_argument("--paused", nargs=2, type=float)
    args = parser.parse_args()
    sys.exit(main_judge(args) if args.judge else main_read(args))


if __name__ == "__main__":
    main()
