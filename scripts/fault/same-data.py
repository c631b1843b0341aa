#!/usr/bin/env python3
"""Compares two databases of the service: sessions, events and records, by count and by digest.

Usage: same-data.py PG_PORT SOURCE_DATABASE COPY_DATABASE
Prints one line per table and exits non-zero when any count or digest differs, or when the source
has no session or no record (a backup of an empty database proves nothing). Runs psql as the
bootstrap superuser 'consent', as scripts/test.sh does.
"""
import subprocess
import sys

# Each digest covers what makes the row itself: ids, chain positions and hashes, and for records a
# SHA-256 recomputed from the stored PDF bytes, not only the stored one.
TABLES = {
    "sessions": "SELECT count(*), md5(coalesce(string_agg(id::text || ':' || status || ':' || last_seq || ':' || last_hash, ',' ORDER BY id), '')) "
                "FROM consent_sessions",
    "events": "SELECT count(*), md5(coalesce(string_agg(session_id::text || ':' || seq || ':' || type || ':' || hash, ',' ORDER BY session_id, seq), '')) "
              "FROM consent_events",
    "records": "SELECT count(*), md5(coalesce(string_agg(id::text || ':' || kind || ':' || sha256 || ':' || encode(sha256(pdf), 'hex'), ',' ORDER BY id), '')) "
               "FROM consent_records",
}


def figures(port, database, query):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "consent", "-d", database, "-tA", "-F", " ", "-c", query],
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), out[1]


def main():
    port, source, copy = sys.argv[1], sys.argv[2], sys.argv[3]
    problems = []
    for table, query in TABLES.items():
        (n, digest), (m, copied) = figures(port, source, query), figures(port, copy, query)
        print(f"{table}: {n} in {source} (md5 {digest}), {m} in {copy} (md5 {copied})")
        if (n, digest) != (m, copied):
            problems.append(f"{table} differ")
        if n == 0 and table in ("sessions", "records"):
            problems.append(f"no {table} in {source}: the backup was not tested on real data")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
