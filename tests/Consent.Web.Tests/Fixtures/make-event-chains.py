#!/usr/bin/env python3
"""Writes event-chains.jsonl: every event of a set of sessions, exactly as the service stored them.

Usage (from the repository root, the service running with the demo accounts):
  CONSENT_DEMO_PASSWORD=... python3 tests/Consent.Web.Tests/Fixtures/make-event-chains.py BASE_URL PSQL_CONNINFO

For the expiry, run the service with CONSENT_REPOSITORY_ROOT pointing at a copy of workflows/ and
templates/ in which ketamine-chronic-pain's invitationValidFor is PT10S (the service's own expiry job
then ends one session with Expired; nothing else is faked).

Walks sessions through the public API so that every event type the service writes appears (a wrong
date of birth, a lockout and a new link, questions and answers, a failed quiz, a discussion,
a screening stop changed once then confirmed, and its follow-up, a signature under another name confirmed at
countersigning, a decline, a void, a link left to expire, a completed consent and its withdrawal, and four dose-day
check-ins relying on a consent: one cleared, one held then released by the clinician, one held then decided not today,
one whose patient no longer agrees),
then reads the rows back with psql. EventChainFixtureTests checks that each chain still verifies byte for byte, so
changing how payloads are written can never change what an old chain hashes to.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

BASE, CONNINFO = sys.argv[1], sys.argv[2]
PASSWORD = os.environ["CONSENT_DEMO_PASSWORD"]
DOB = "1975-06-30"


def call(method, path, body=None, token=None, ok=True):
    headers = {"Accept": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    if ok and status >= 300:
        sys.exit(f"FAIL {method} {path}: {status} {raw[:300]!r}")
    return status, (json.loads(raw) if raw else None)


def login(email):
    return call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})[1]["accessToken"]


def start(clinician, workflow="ketamine-iv-depression", language="en", email=None):
    patient = {"name": "Jane Doe", "dateOfBirth": DOB, "mrn": "FX-" + uuid.uuid4().hex[:6]}
    if email:
        patient["email"] = email
    session = call("POST", "/api/v1/sessions", {"workflowId": workflow, "language": language, "patient": patient}, clinician)[1]
    return session["id"], session["patientUrl"].rstrip("/").split("/")[-1]


def verify(link):
    return call("POST", f"/api/v1/patient/{link}/verify", {"dateOfBirth": DOB})[1]["accessToken"]


def answer(step, yes=(), wrong_quiz=False, signed_as="Jane Doe"):
    kind = step["type"]
    if kind == "questions":
        return {"answers": {q["id"]: (q["id"] in yes if q.get("kind") == "yes-no" else (q.get("options") or [{"value": "none"}])[0]["value"])
                            for q in step.get("questions") or []}}
    if kind == "disclosure":
        body = {"acknowledged": True, "contentHash": step.get("contentHash")}
        if step.get("acknowledge") == "initials":
            body["initials"] = "JD"
        return body
    if kind == "comprehension":
        return {"answers": {q["id"]: (q["options"][-1]["value"] if wrong_quiz else None) for q in step.get("questions") or []}}
    if kind == "ask":
        return {"done": True}
    if kind == "affirmation":
        return {"agrees": "no-longer-agrees" not in yes}
    if kind == "signature":
        return {"fullName": signed_as, "certify": True, "strokes": [[[5, 5], [60, 30], [120, 10]]]}
    sys.exit(f"unknown step type {kind}")


def walk(link, access, clinician, session_id, quiz, yes=(), fail_quiz_once=False, signed_as="Jane Doe"):
    failed = False
    stops = 0
    for _ in range(200):
        current = call("GET", f"/api/v1/patient/{link}/current", token=access)[1]
        step = current.get("step")
        if not step:
            return current
        if step.get("waitingFor"):
            call("POST", f"/api/v1/sessions/{session_id}/discussions", {"note": "We talked it through."}, clinician)
            continue
        body = answer(step, yes, signed_as=signed_as) if step["type"] != "stop" else None
        if step["type"] == "stop":
            # The answer that leads to a stop is shown back first: go back once to change it, then confirm it.
            stops += 1
            body = {"change": True} if stops == 1 else {"confirm": True}
        if step["type"] == "comprehension":
            if fail_quiz_once and not failed:
                body = answer(step, wrong_quiz=True)
                failed = True
            else:
                body = {"answers": {q["id"]: quiz[q["id"]] for q in step["questions"]}}
        call("POST", f"/api/v1/patient/{link}/steps/{step['id']}", body, access)
    sys.exit("too many steps")


def quiz_answers(workflow):
    import glob
    import yaml
    found = {}
    for path in glob.glob(f"workflows/{workflow}/*.y*ml"):
        def visit(node):
            if isinstance(node, dict):
                if "id" in node and "answer" in node:
                    found[str(node["id"])] = node["answer"]
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)
        visit(yaml.safe_load(open(path, encoding="utf-8")))
    return found


def signers_only():
    """CONSENT_FIXTURE_ONLY=signers: one witnessed consent, signed with a mark and then by the witness, countersigned
    (the SignerSigned event, added after the rest of the file was recorded); appended like the rest."""
    import time
    clinician = login("clinician@example.org")
    quiz = quiz_answers("ketamine-iv-depression")
    patient = {"name": "Jane Doe", "dateOfBirth": DOB, "mrn": "FX-" + uuid.uuid4().hex[:6]}
    session = call("POST", "/api/v1/sessions", {"workflowId": "ketamine-iv-depression", "language": "en", "patient": patient,
                                                "witness": {"name": "Tom Witness"}}, clinician)[1]
    sid, link = session["id"], session["patientUrl"].rstrip("/").split("/")[-1]
    access = verify(link)
    for _ in range(200):
        step = call("GET", f"/api/v1/patient/{link}/current", token=access)[1].get("step")
        if not step:
            break
        if step["type"] == "signature" and step.get("signer") == "patient":
            body = {"certify": True, "mark": True, "signer": "patient", "strokes": [[[10, 10], [90, 90]], [[90, 10], [10, 90]]]}
        elif step["type"] == "signature":
            body = {"certify": True, "fullName": "Tom Witness", "signer": step["signer"], "strokes": []}
        elif step["type"] == "comprehension":
            body = {"answers": {q["id"]: quiz[q["id"]] for q in step["questions"]}}
        else:
            body = answer(step)
        call("POST", f"/api/v1/patient/{link}/steps/{step['id']}", body, access)
    call("POST", f"/api/v1/sessions/{sid}/countersign", {"password": PASSWORD, "statementAccepted": True}, clinician)
    for _ in range(60):
        if any(r["type"] == "RecordIssued" for r in psql([sid])):
            break
        time.sleep(1)
    rows = psql([sid])
    with open("tests/Consent.Web.Tests/Fixtures/event-chains.jsonl", "a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} events of 1 session: " + ", ".join(sorted({r['type'] for r in rows})))


def paper_only():
    """CONSENT_FIXTURE_ONLY=paper: one consent signed on the paper form, its scan uploaded and attested by the clinician (the
    PaperConsentRecorded event, added after the rest of the file was recorded), and its record issued; appended like the rest."""
    import time
    clinician = login("clinician@example.org")
    sid, _ = start(clinician)
    # A one-page PDF, written object by object, as a scanner might give.
    content = b"BT /F1 14 Tf 72 700 Td (SIGNED PAPER FORM) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    pdf, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    boundary = uuid.uuid4().hex
    parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
             for name, value in (("signedOn", time.strftime("%Y-%m-%d", time.gmtime())), ("password", PASSWORD), ("statementAccepted", "true"))]
    parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="scan"; filename="form.pdf"\r\n'
                  'Content-Type: application/pdf\r\n\r\n').encode() + bytes(pdf) + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(BASE + f"/api/v1/sessions/{sid}/paper", data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {clinician}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200, response.status
    for _ in range(60):
        if any(r["type"] == "RecordIssued" for r in psql([sid])):
            break
        time.sleep(1)
    rows = psql([sid])
    with open("tests/Consent.Web.Tests/Fixtures/event-chains.jsonl", "a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} events of 1 session: " + ", ".join(sorted({r['type'] for r in rows})))


def main():
    if os.environ.get("CONSENT_FIXTURE_ONLY") == "signers":
        signers_only()
        return
    if os.environ.get("CONSENT_FIXTURE_ONLY") == "paper":
        paper_only()
        return
    clinician = login("clinician@example.org")
    quiz = quiz_answers("ketamine-iv-depression")
    sessions = []
    checkins = []

    # A wrong date of birth, questions and answers, a failed quiz and its discussion, a completed
    # consent in Spanish with an email address, then its withdrawal.
    sid, link = start(clinician, language="es", email="jane@example.org")
    call("POST", f"/api/v1/patient/{link}/verify", {"dateOfBirth": "1975-06-29"}, ok=False)
    access = verify(link)
    status, asked = call("POST", f"/api/v1/patient/{link}/questions", {"question": "¿Puedo conducir después?"}, access)
    call("POST", f"/api/v1/sessions/{sid}/questions/{asked['questionId']}/answer", {"answer": "No, the same day you may not drive."}, clinician)
    walk(link, access, clinician, sid, quiz, fail_quiz_once=True)
    call("POST", f"/api/v1/sessions/{sid}/countersign", {"password": PASSWORD, "statementAccepted": True}, clinician)
    call("POST", f"/api/v1/sessions/{sid}/withdraw", {"reason": "Changed my mind after the first dose."}, clinician)
    sessions.append(sid)

    # A screening stop (referral), and the clinician's follow-up of it.
    sid, link = start(clinician)
    walk(link, verify(link), clinician, sid, quiz, yes={"psychosis"})
    call("POST", f"/api/v1/sessions/{sid}/follow-up", {"note": "Phoned the patient; booked a psychiatry review."}, clinician)
    sessions.append(sid)

    # A screening answer that needs a discussion before signing (a hold), a signature under another
    # name than the registered one, and the countersignature that confirms who signed.
    sid, link = start(clinician, workflow="esketamine-nasal-trd")
    walk(link, verify(link), clinician, sid, quiz_answers("esketamine-nasal-trd"), yes={"sedating_medicines"}, signed_as="Janet Q. Doe")
    call("POST", f"/api/v1/sessions/{sid}/countersign", {"password": PASSWORD, "statementAccepted": True, "nameConfirmed": True}, clinician)
    sessions.append(sid)

    # Dose-day check-ins for that patient, relying on the consent just countersigned (one open at a time, each ended
    # before the next starts): cleared; held for blood pressure then released by the clinician; held for the ride home
    # then decided not today; and a patient who no longer agrees (held at once, left for the clinician).
    patient = call("GET", f"/api/v1/sessions/{sid}", token=clinician)[1]["patientId"]
    for values, yes, decision in [
        ({"bp_systolic": 122, "bp_diastolic": 78, "ride_confirmed": True}, {"ride_home"}, None),
        ({"bp_systolic": 152, "bp_diastolic": 84, "ride_confirmed": True}, {"ride_home"}, "cleared"),
        ({"bp_systolic": 118, "bp_diastolic": 76, "ride_confirmed": False}, set(), "not-today"),
        (None, {"ride_home", "no-longer-agrees"}, None),
    ]:
        checkin = call("POST", f"/api/v1/patients/{patient}/checkins", {"workflowId": "esketamine-dose-checkin"}, clinician)[1]
        cid, clink = checkin["id"], checkin["patientUrl"].rstrip("/").split("/")[-1]
        walk(clink, verify(clink), clinician, cid, {}, yes=yes)
        if values is not None:
            call("POST", f"/api/v1/sessions/{cid}/staff-checks/before-dose", {"values": values}, clinician)
        if decision is not None:
            note = "Rechecked after 10 minutes: 134/82." if decision == "cleared" else "No ride home today; rebooked for tomorrow."
            call("POST", f"/api/v1/sessions/{cid}/checkin-decision", {"decision": decision, "note": note, "password": PASSWORD}, clinician)
        sessions.append(cid)
        checkins.append(cid)

    # A decline with a reason.
    sid, link = start(clinician, workflow="esketamine-nasal-trd")
    access = verify(link)
    call("POST", f"/api/v1/patient/{link}/decline", {"reason": "Not now, thank you."}, access)
    sessions.append(sid)

    # A lockout, a new link, then a void.
    sid, link = start(clinician, workflow="ketamine-chronic-pain")
    for _ in range(5):
        call("POST", f"/api/v1/patient/{link}/verify", {"dateOfBirth": "1980-01-01"}, ok=False)
    call("POST", f"/api/v1/sessions/{sid}/reissue-link", None, clinician)
    call("POST", f"/api/v1/sessions/{sid}/void", {"reason": "Entered for the wrong patient."}, clinician)
    sessions.append(sid)

    # A link nobody opens: the service's expiry job ends the session (a short invitationValidFor, see above).
    expiring, _ = start(clinician, workflow="ketamine-chronic-pain")
    sessions.append(expiring)

    # Records are issued by the background worker: wait until each ended session has its RecordIssued.
    import time
    for _ in range(120):
        if any(r["type"] == "Expired" for r in psql([expiring])):
            break
        time.sleep(1)
    else:
        sys.exit("FAIL the session did not expire: is ketamine-chronic-pain's invitationValidFor short (see the usage)?")
    for _ in range(60):
        rows = psql(sessions)
        issued = {r["session_id"] for r in rows if r["type"] == "RecordIssued"}
        # Five consent sessions and three ended check-ins get a record (the one left held does not).
        if sum(1 for r in rows if r["type"] == "RecordIssued") >= 8:
            break
        time.sleep(1)
    rows = psql(sessions)
    # Appended: the file keeps the chains of every earlier version it was run against.
    with open("tests/Consent.Web.Tests/Fixtures/event-chains.jsonl", "a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} events of {len(sessions)} sessions: " + ", ".join(sorted({r['type'] for r in rows})))


def psql(sessions):
    ids = ",".join(f"'{s}'" for s in sessions)
    query = ("SELECT json_build_object('session_id', session_id, 'seq', seq, 'type', type, 'step_id', step_id, "
             "'payload', payload::text, 'content_hash', content_hash, 'actor', actor, 'ip', ip, 'user_agent', user_agent, "
             "'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'prev_hash', prev_hash, 'hash', hash) "
             f"FROM consent_events WHERE session_id IN ({ids}) ORDER BY session_id, seq")
    out = subprocess.run(["psql", CONNINFO, "-tAc", query], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


main()
