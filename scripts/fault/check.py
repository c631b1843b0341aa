#!/usr/bin/env python3
"""Checks a fault-test run against the database: nothing acknowledged may be missing.

Usage: check.py SUMMARY.json PG_PORT DATABASE NAME [--outage START END] [--records] [--after TIME] [--failover KILLED PROMOTED]
Prints one line of figures and exits non-zero when anything was lost or an answer was wrong, and
also when the run proved nothing: no request sent, no submission acknowledged or no session
completed (a failed login passes every other check), no record job with --records, or no 2xx
answer after TIME (a restart, as a Unix time) with --after.
"""
import json
import subprocess
import sys


def sql(port, database, query):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "consent", "-d", database, "-tA", "-F", "|", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line.strip()]


def main():
    summary_path, port, database, name = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    args = sys.argv[5:]
    summary = json.load(open(summary_path, encoding="utf-8"))
    problems = []

    # A run that did nothing loses nothing: a failed login or a dead service must not pass.
    for what, count in (("requests sent", summary["sent"]), ("submissions acknowledged", len(summary["acknowledged"])),
                        ("sessions completed", len(summary["completed"]))):
        if count == 0:
            problems.append(f"no {what}: the load did not run")

    stored_keys = {(row[0], row[1]) for row in sql(port, database, "SELECT session_id, key FROM idempotency_keys")}
    lost = [pair for pair in summary["acknowledged"] if tuple(pair) not in stored_keys]
    if lost:
        problems.append(f"{len(lost)} acknowledged submission(s) missing, e.g. {lost[:3]}")

    stored_sessions = {row[0]: row[1] for row in sql(port, database, "SELECT id, status FROM consent_sessions")}
    missing_sessions = [s for s in summary["sessions"] if s not in stored_sessions]
    if missing_sessions:
        problems.append(f"{len(missing_sessions)} created session(s) missing")
    not_completed = [s for s in summary["completed"] if stored_sessions.get(s) != "Completed"]
    if not_completed:
        problems.append(f"{len(not_completed)} countersigned session(s) not Completed")

    if summary["500"]:
        problems.append(f"{summary['500']} answer(s) were 500")
    if summary["retryAfterMissing"]:
        problems.append(f"{summary['retryAfterMissing']} 503 answer(s) without Retry-After")

    gaps = sql(port, database, """
        SELECT s.id FROM consent_sessions s
        LEFT JOIN (SELECT session_id, count(*) AS n, max(seq) AS m FROM consent_events GROUP BY session_id) e ON e.session_id = s.id
        WHERE coalesce(e.n, 0) <> s.last_seq OR coalesce(e.m, 0) <> s.last_seq""")
    if gaps:
        problems.append(f"{len(gaps)} session(s) whose events have gaps or extras")

    extra = ""
    if "--after" in args:
        after_time = float(args[args.index("--after") + 1])
        answered_after = sum(1 for t, status in summary["timeline"] if t >= after_time and 200 <= status < 300)
        if answered_after == 0:
            problems.append("no 2xx answer after the restart")
        extra += f", 2xx after the restart {answered_after}"

    if "--records" in args:
        jobs = int(sql(port, database, "SELECT count(*) FROM outbox_jobs WHERE kind = 'issue-record'")[0][0])
        if jobs == 0:
            problems.append("no record job at all: nothing was checked for records")
        twice = sql(port, database, """
            SELECT session_id FROM consent_events WHERE type = 'RecordIssued'
            GROUP BY session_id, payload->>'kind' HAVING count(*) > 1""")
        if twice:
            problems.append(f"{len(twice)} session(s) with a record issued more than once")
        completed = [s for s, status in stored_sessions.items() if status == "Completed"]
        with_record = {row[0] for row in sql(port, database, "SELECT session_id FROM consent_records WHERE kind = 'Consent'")}
        without = [s for s in completed if s not in with_record]
        if without:
            problems.append(f"{len(without)} completed session(s) without exactly one consent record")
        pending = sql(port, database, "SELECT count(*) FROM outbox_jobs WHERE completed_at IS NULL AND kind = 'issue-record'")[0][0]
        if pending != "0":
            problems.append(f"{pending} record job(s) still pending")
        extra += f", records {len(with_record)} for {len(completed)} completed sessions ({jobs} record jobs)"

    if "--outage" in args:
        i = args.index("--outage")
        start, end = float(args[i + 1]), float(args[i + 2])
        during = [status for t, status in summary["timeline"] if start + 0.5 < t < end - 0.2]
        after = [t for t, status in summary["timeline"] if t >= end and 200 <= status < 300]
        recovery = (after[0] - end) if after else None
        if recovery is None or recovery > 5:
            problems.append(f"service did not recover within 5 s of the database returning (took {recovery})")
        if not any(s == 503 for s in during):
            problems.append("no 503 answers while the database was away")
        extra += f", 503 during outage {sum(1 for s in during if s == 503)}, recovered {recovery:.2f} s after the database returned" if recovery is not None else ""

    if "--failover" in args:
        i = args.index("--failover")
        killed, promoted = float(args[i + 1]), float(args[i + 2])
        # Recovery: the first 2xx after the last failed answer of the failover (within a minute of the kill). A 2xx
        # answered just after the kill belongs to a request that was done with the database before it.
        timeline = sorted(summary["timeline"])
        failed = [t for t, status in timeline if killed < t < killed + 60 and (status == 0 or status >= 500)]
        last_failure = max(failed, default=killed)
        first = next((t for t, status in timeline if t > last_failure and 200 <= status < 300), None)
        if first is None:
            problems.append("no 2xx answer after the primary was killed")
        else:
            between = [status for t, status in timeline if killed < t < first]
            extra += (f", writes back {first - killed:.2f} s after the kill ({first - promoted:.2f} s after the promotion): "
                      f"first success after the last of {sum(1 for s in between if s == 503)} × 503 and {sum(1 for s in between if s == 0)} "
                      f"without an answer ({sum(1 for s in between if 200 <= s < 300)} × 2xx in between, requests past the database before the kill)")

    line = (f"{name}: sent {summary['sent']}, 2xx {summary['2xx']}, 4xx {summary['4xx']}, 5xx {summary['5xx']} "
            f"(503 {summary['503']}, 500 {summary['500']}), no answer {summary['connectionErrors']}, "
            f"acknowledged {len(summary['acknowledged'])}, lost {len(lost)}, sessions {len(summary['sessions'])}, "
            f"completed {len(summary['completed'])}{extra}")
    print(line)
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
