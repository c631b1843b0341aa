-- pgbench: every statement the service sends for one disclosure acknowledgment, in order, as
-- PostgreSQL's log shows them (EF Core 10 + Npgsql 10, before any change). Run with -M extended:
-- Npgsql sends unnamed, unprepared statements unless Max Auto Prepare is set.
-- The two DISCARD ALL are Npgsql's pool reset, sent when each of the two connections is taken
-- (the token lookup and the transaction do not share one). :sessions is set by run.sh.
\set n random(1, :sessions)
\set h random(1, 1000000000)
\set k random(1, 2000000000)
DISCARD ALL;
SELECT c.id, c.completed_at, c.created_at, c.created_by, c.expires_at, c.language, c.last_hash, c.last_seq, c.link_token_hash,
       c.patient_date_of_birth, c.patient_email, c.patient_mrn, c.patient_name, c.status, c.updated_at, c.workflow_hash, c.workflow_id, c.workflow_version, c.xmin
  FROM consent_sessions AS c WHERE c.link_token_hash = (SELECT link_token_hash FROM bench_ids WHERE n = :n) LIMIT 2;
DISCARD ALL;
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
SELECT c.id, c.completed_at, c.created_at, c.created_by, c.expires_at, c.language, c.last_hash, c.last_seq, c.link_token_hash,
       c.patient_date_of_birth, c.patient_email, c.patient_mrn, c.patient_name, c.status, c.updated_at, c.workflow_hash, c.workflow_id, c.workflow_version, c.xmin
  FROM (SELECT *, xmin FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n) FOR UPDATE) AS c LIMIT 2;
SELECT i.session_id, i.key, i.created_at, i.request_hash, i.response_body, i.status_code FROM idempotency_keys AS i
  WHERE i.session_id = (SELECT id FROM bench_ids WHERE n = :n) AND i.key = 'pgbench-' || :k LIMIT 2;
SELECT c.id, c.actor, c.at, c.content_hash, c.hash, c.ip, c.payload, c.prev_hash, c.seq, c.session_id, c.step_id, c.type, c.user_agent
  FROM consent_events AS c WHERE c.session_id = (SELECT id FROM bench_ids WHERE n = :n) ORDER BY c.seq;
SAVEPOINT "__EFSavePoint";
INSERT INTO consent_events (actor, at, content_hash, hash, ip, payload, prev_hash, seq, session_id, step_id, type, user_agent)
  SELECT 'patient', now(), '3d145f0d165866b9b5ee9dc4acc07f5683aa8ad3313d1d58604626ab94c7a533', lpad(:h::text, 64, '0'), '127.0.0.1',
         '{"method": "checkbox"}', last_hash, last_seq + 1, id, 'dissociation', 'DisclosureAcknowledged', 'wrk'
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n) RETURNING id;
UPDATE consent_sessions SET last_hash = lpad(:h::text, 64, '0'), last_seq = last_seq + 1, updated_at = now()
  WHERE id = (SELECT id FROM bench_ids WHERE n = :n) RETURNING xmin;
INSERT INTO idempotency_keys (key, session_id, created_at, request_hash, response_body, status_code)
  SELECT 'pgbench-' || :k || '-' || :h, id, now(), lpad(:h::text, 64, '0'),
         '{"method":"checkbox","sessionStatus":"InProgress","step":{"id":"perception","type":"disclosure"},"progress":{"index":6,"total":27}}', 200
  FROM consent_sessions WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
RELEASE SAVEPOINT "__EFSavePoint";
COMMIT;
