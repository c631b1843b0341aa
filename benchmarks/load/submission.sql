-- pgbench: the SQL work of one patient step submission, as issue 7 defines the database limit:
-- lock the session row, append an event, update the session; one transaction.
-- :sessions is set by run.sh (-D sessions=N); bench_ids maps 1..N to the seeded session ids.
\set n random(1, :sessions)
\set h random(1, 1000000000)
BEGIN;
SELECT id, last_seq, last_hash, status FROM consent_sessions
  WHERE id = (SELECT id FROM bench_ids WHERE n = :n) FOR UPDATE;
INSERT INTO consent_events (session_id, seq, type, step_id, payload, content_hash, actor, ip, user_agent, at, prev_hash, hash)
  SELECT id, last_seq + 1, 'DisclosureAcknowledged', 'dissociation', '{"method": "checkbox"}',
         '3d145f0d165866b9b5ee9dc4acc07f5683aa8ad3313d1d58604626ab94c7a533', 'patient', '127.0.0.1', 'wrk',
         now(), last_hash, lpad(:h::text, 64, '0')
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
UPDATE consent_sessions SET last_seq = last_seq + 1, last_hash = lpad(:h::text, 64, '0'), status = 'InProgress', updated_at = now()
  WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
END;
