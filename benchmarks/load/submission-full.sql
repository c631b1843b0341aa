-- pgbench: every statement the service sends for one disclosure acknowledgment, in the service's
-- round trips, as PostgreSQL's log shows them (Npgsql 10 with auto-prepare and no pool reset;
-- docs/PERFORMANCE.md, P3, P9 and P10). Run with -M prepared. Round trip 1: BEGIN, lock the
-- session row (its id and current link), find the Idempotency-Key. Round trip 2: append the
-- event, update the session, remember the answer, COMMIT. The replayed state comes from the
-- service's cache, so no event is read. :sessions is set by run.sh.
\set n random(1, :sessions)
\set h random(1, 1000000000)
\set k random(1, 2000000000)
\startpipeline
BEGIN;
SELECT id, workflow_id, workflow_version, workflow_hash, language, status, patient_name, patient_date_of_birth,
       patient_mrn, patient_email, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, xmin
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n) AND link_token_hash = (SELECT link_token_hash FROM bench_ids WHERE n = :n) FOR UPDATE;
SELECT request_hash, status_code, response_body FROM idempotency_keys
  WHERE session_id = (SELECT id FROM bench_ids WHERE n = :n) AND key = 'pgbench-' || :k || '-' || :h;
\endpipeline
\startpipeline
INSERT INTO consent_events (session_id, seq, type, step_id, payload, content_hash, actor, ip, user_agent, at, prev_hash, hash)
  SELECT id, last_seq + 1, 'DisclosureAcknowledged', 'dissociation', '{"method": "checkbox"}',
         '3d145f0d165866b9b5ee9dc4acc07f5683aa8ad3313d1d58604626ab94c7a533', 'patient', '127.0.0.1', 'wrk',
         now(), last_hash, lpad(:h::text, 64, '0')
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n) RETURNING id;
UPDATE consent_sessions SET status = 'InProgress', updated_at = now(), completed_at = NULL, expires_at = expires_at,
       last_seq = last_seq + 1, last_hash = lpad(:h::text, 64, '0'), link_token_hash = link_token_hash
  WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
INSERT INTO idempotency_keys (session_id, key, request_hash, status_code, response_body, created_at)
  SELECT id, 'pgbench-' || :k || '-' || :h, lpad(:h::text, 64, '0'), 200,
         '{"method":"checkbox","sessionStatus":"InProgress","recorded":["DisclosureAcknowledged"],"nextStep":{"id":"perception","type":"disclosure"},"progress":{"index":6,"total":27}}', now()
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
COMMIT;
\endpipeline
