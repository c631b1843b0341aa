#!/usr/bin/env python3
"""A clinician and a patient complete a consent through the TLS proxy, as browsers and API clients.

Used by scripts/proxy-test.sh (read it first). Standard library only. Every request through the
proxy comes from CLIENT_IP; the direct, spoofed requests go to the service's own port from
STRANGER_IP, which is not a trusted proxy. Exits 0 when every check holds, 1 with the first failure.

    proxy_walk.py walk BASE DIRECT CAFILE CLIENT_IP STRANGER_IP PASSWORD WORKFLOW_FILE TOKENS_OUT
    proxy_walk.py leaks TOKENS_FILE LOG...               -> names the logs holding a token, plain or percent-encoded
"""
import functools
import html.parser
import http.client
import http.cookiejar
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SPOOFED = "203.0.113.99"


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print(f"  ok  {what}", file=sys.stderr)


class Bound:
    """urllib handlers whose connections start from one local address (Linux routes 127.0.0.0/8 to lo)."""

    class Https(urllib.request.HTTPSHandler):
        def __init__(self, source, context):
            super().__init__(context=context)
            self.source = source

        def https_open(self, req):
            return self.do_open(functools.partial(http.client.HTTPSConnection, source_address=(self.source, 0)),
                                req, context=self._context)

    class Http(urllib.request.HTTPHandler):
        def __init__(self, source):
            super().__init__()
            self.source = source

        def http_open(self, req):
            return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser (cookies, follows redirects) or an API client, from one address."""

    def __init__(self, base, source, context, browser=True, headers=None):
        self.base = base
        self.headers = dict(headers or {})
        handlers = [Bound.Https(source, context), Bound.Http(source)]
        handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()) if browser else NoRedirects())
        self.opener = urllib.request.build_opener(*handlers)

    def send(self, method, path, body=None, form=None, headers=None):
        h = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data, h["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.headers, r.read(), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read(), url

    def json(self, method, path, body=None, expect=200):
        status, _, raw, _ = self.send(method, path, body=body)
        if status != expect:
            raise Failure(f"{method} {redact(path)}: {status} (expected {expect}) {raw[:300]!r}")
        return json.loads(raw) if raw else None


def redact(text):
    return re.sub(r"(/p/|/api/v1/patient/)[^/?\s]+", r"\1***", text)


class Forms(html.parser.HTMLParser):
    """The forms of a page (action, class, fields) and its links."""

    def __init__(self, page):
        super().__init__()
        self.forms, self.links, self.current = [], [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"action": a.get("action") or "", "class": a.get("class") or "", "fields": []}
            self.forms.append(self.current)
        elif tag in ("input", "textarea", "select") and self.current is not None and a.get("name"):
            self.current["fields"].append({"name": a["name"], "type": (a.get("type") or tag).lower(), "value": a.get("value") or ""})
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def quiz_answers(workflow_file):
    """Each comprehension question's answer from the workflow file (the `answer:` after its `- id:`)."""
    answers, last_id = {}, None
    for line in open(workflow_file, encoding="utf-8"):
        if m := re.match(r"\s*- id:\s*(\S+)", line):
            last_id = m.group(1).strip("\"'")
        elif (m := re.match(r"\s*answer:\s*(\S+)", line)) and last_id:
            answers[last_id] = m.group(1).strip("\"'")
    return answers


def fill(form, quiz):
    """What a careful patient with no risk factors who knows the answers would send."""
    values, radios = {}, {}
    for f in form["fields"]:
        name, kind = f["name"], f["type"]
        if kind == "radio":
            radios.setdefault(name, []).append(f["value"])
        elif kind == "checkbox":
            values[name] = f["value"] or "true"
        elif kind == "hidden":
            values[name] = f["value"]
        elif name == "initials":
            values[name] = "PD"
        elif name == "FullName":
            values[name] = "Pat Doe"
        elif name.startswith("a_"):
            values[name] = "none"
    for name, options in radios.items():
        if name.startswith("q_"):
            values[name] = quiz[name[2:]]
        else:
            values[name] = "no" if "no" in options else options[0]
    return values


def walk_patient_pages(patient, token, dob, quiz):
    status, _, page, url = patient.send("GET", f"/p/{token}")
    check(status == 200, f"patient page /p/*** over https: {status}")
    start = Forms(page.decode())
    dob_form = next(f for f in start.forms if any(field["name"] == "Year" for field in f["fields"]))
    fields = {f["name"]: f["value"] for f in dob_form["fields"]}
    check("__RequestVerificationToken" in fields, "the date-of-birth form carries an antiforgery token")
    year, month, day = dob.split("-")
    fields.update(Year=year, Month=str(int(month)), Day=str(int(day)))
    status, _, page, url = patient.send("POST", url, form=fields)
    check(status == 200 and url.endswith("/step"), f"date of birth accepted by the page, on to the steps ({status})")
    steps = 0
    for _ in range(100):
        forms = Forms(page.decode())
        step_forms = [f for f in forms.forms if "step-form" in f["class"]]
        sign_links = [l for l in forms.links if l.endswith(f"/p/{token}/sign")]
        if step_forms:
            done = [f for f in step_forms if "handler=AskDone" in f["action"]]
            form = done[0] if done else step_forms[0]
            target = urllib.parse.urljoin(url, form["action"] or url)
            status, _, page, url = patient.send("POST", target, form=fill(form, quiz))
            if status != 200:
                raise Failure(f"patient page step {steps + 1}: {status}")
            steps += 1
        elif sign_links:
            status, _, page, url = patient.send("GET", sign_links[0])
        else:
            return steps
    raise Failure("more than 100 patient pages")


def encoded_forms(token):
    """The patient's link as other spellings of the same path: nginx's access log masked only a literal /p/."""
    first = f"%{ord(token[0]):02X}{token[1:]}"
    return [
        (f"/%70/{token}", True),                          # the review's request: served, and logged with the token
        (f"/P/{token}", True),                            # routing ignores case
        (f"/p/{first}", True),                            # the token itself percent-encoded
        (f"/x/../p/{token}", False),                      # dot segments
        (f"//p/{token}", False),                          # doubled slash
        (f"/api/v1/%70atient/{token}/current", True),
        (f"/api/v1/patient%2F{token}/current", False),
        (f"/p/{token}?handler=AskDone&next=%2Fp%2F{token}", False),  # and in the query string
    ]


def walk_encoded_paths(patient, token):
    """Each spelling through the proxy; the ones the service routes are served to the patient (and must not be logged)."""
    served = 0
    for path, routed in encoded_forms(token):
        status, _, _, _ = patient.send("GET", path)
        if routed:
            shown = path.replace(token, "<token>").replace(token[1:], "<token>")
            check(status == 200, f"GET {shown} through the proxy is served: {status}")
            served += 1
    return served


def leaks(tokens_file, *logs):
    """Logs holding a token as sent or percent-encoded (each line decoded up to three times). Exit 1 naming them."""
    tokens = [t.strip() for t in open(tokens_file, encoding="utf-8") if t.strip()]
    found = []
    for log in logs:
        for line in open(log, encoding="utf-8", errors="replace"):
            forms = [line]
            for _ in range(3):
                forms.append(urllib.parse.unquote(forms[-1]))
            if any(t in form for t in tokens for form in forms):
                found.append(os.path.basename(log))
                break
    if found:
        print(" ".join(found))
        return 1
    return 0


def walk(base, direct, cafile, client_ip, stranger_ip, password, workflow_file, tokens_out):
    context = ssl.create_default_context(cafile=cafile)
    workflow = os.path.basename(os.path.dirname(workflow_file))
    tokens = []

    # The clinician's sign-in page, as a browser: a page with an antiforgery cookie, over https.
    staff_browser = Client(base, client_ip, context)
    status, headers, page, url = staff_browser.send("GET", "/Account/Login")
    check(status == 200, f"GET /Account/Login through the proxy: {status} (500 before the fix)")
    login = next(f for f in Forms(page.decode()).forms if any(field["name"] == "Input.Email" for field in f["fields"]))
    fields = {f["name"]: f["value"] for f in login["fields"]}
    fields.update({"Input.Email": "clinician@proxy.example", "Input.Password": password})
    status, _, page, url = staff_browser.send("POST", "/Account/Login", form=fields)
    check(status == 200 and url.endswith("/account/training"), f"clinician signs in on the page and is sent to the training attestation ({status} {url})")
    # 21 CFR 11.10(i), 11.100(c): no role works until the staff member has signed the attestation.
    attest = next(f for f in Forms(page.decode()).forms if any(field["name"] == "Password" for field in f["fields"]))
    fields = {f["name"]: f["value"] for f in attest["fields"]}
    fields["Password"] = password
    status, _, page, url = staff_browser.send("POST", urllib.parse.urljoin(url, attest["action"] or url), form=fields)
    check(status == 200 and not url.endswith("/account/training"), f"the clinician signs the training attestation on the page ({status} {url})")
    status, _, page, url = staff_browser.send("GET", "/clinician")
    check(status == 200 and url.endswith("/clinician"), f"the clinician's page opens with the sign-in cookie ({status} {url})")

    # Staff API through the proxy.
    def signed_in(email):
        api = Client(base, client_ip, context, browser=False)
        token = api.json("POST", "/api/v1/auth/login", {"email": email, "password": password})["accessToken"]
        api.headers["Authorization"] = f"Bearer {token}"
        return api

    # Outside Development two distinct reviewers approve a version (Review__RequiredApprovals), each
    # approval a signature by password re-entry (21 CFR 11.50, 11.200(a)), after their training attestation.
    for email in ("reviewer@proxy.example", "second.reviewer@proxy.example"):
        reviewer = signed_in(email)
        reviewer.json("POST", "/api/v1/account/training", {"password": password})
        approval = reviewer.json("POST", f"/api/v1/workflows/{workflow}/versions/1/approve",
                                 {"comment": "Reviewed for the proxy test.", "password": password})
    check(approval.get("approval") == "Approved", f"two reviewers approved version 1: {approval.get('approval')}")
    clinician = signed_in("clinician@proxy.example")

    def start():
        s = clinician.json("POST", "/api/v1/sessions", {"workflowId": workflow, "language": "en",
                                                         "patient": {"name": "Pat Doe", "dateOfBirth": "1970-01-01"}}, expect=201)
        token = s["patientUrl"].rstrip("/").split("/")[-1]
        tokens.append(token)
        with open(tokens_out, "a", encoding="utf-8") as out:
            out.write(token + "\n")
        return s, token

    session, token = start()
    check(session["patientUrl"] == f"{base}/p/{token}", "the patient link names the https address the clinician used")

    # The patient, as a browser, through the pages; it also sends a forged X-Forwarded-For, which
    # nginx replaces with the address it sees.
    patient = Client(base, client_ip, context, headers={"X-Forwarded-For": SPOOFED})
    steps = walk_patient_pages(patient, token, "1970-01-01", quiz_answers(workflow_file))
    current = patient.json("GET", f"/api/v1/patient/{token}/current")
    check(current.get("sessionStatus") == "AwaitingCountersign", f"{steps} patient pages answered; the API says {current.get('sessionStatus')}")

    clinician.json("POST", f"/api/v1/sessions/{session['id']}/countersign", {"password": password, "statementAccepted": True})
    detail = clinician.json("GET", f"/api/v1/sessions/{session['id']}")
    check(detail["status"] == "Completed", "the clinician countersigned through the API: Completed")
    for _ in range(60):
        status, headers, pdf, _ = patient.send("GET", f"/api/v1/patient/{token}/record.pdf")
        if status == 200:
            break
        time.sleep(1)
    check(status == 200 and pdf.startswith(b"%PDF"), "the patient downloads the signed record over https")
    status, _, page, _ = patient.send("GET", f"/p/{token}")
    check(status == 200 and f"/api/v1/patient/{token}/record.pdf" in page.decode(), "the patient's page offers the signed copy")
    served = walk_encoded_paths(patient, token)
    check(served >= 4, f"{served} other spellings of the patient's link reach the patient's page or API through the proxy")

    events = clinician.json("GET", f"/api/v1/sessions/{session['id']}/events")
    check(events["verified"] is True, "the session's event chain verifies")
    ips = {e["type"]: e["ip"] for e in events["events"]}
    check(ips["SessionCreated"] == client_ip, f"the event log names the clinician's address {client_ip}, not the proxy's ({ips['SessionCreated']})")
    check(ips["IdentityVerified"] == client_ip, f"and the patient's, not the one it forged ({ips['IdentityVerified']})")

    # Straight to the service's port from another address, claiming to be a proxy: not believed.
    stranger = Client(direct, stranger_ip, context, browser=False, headers={"X-Forwarded-For": SPOOFED, "X-Forwarded-Proto": "https"})
    status, _, raw, _ = stranger.send("GET", "/Account/Login")
    check(status == 403 and b"HTTPS required" in raw, f"a page asked for directly over http with forged headers: 403 HTTPS required ({status})")
    other, other_token = start()
    stranger.json("POST", f"/api/v1/patient/{other_token}/verify", {"dateOfBirth": "1970-01-01"})
    ips = {e["type"]: e["ip"] for e in clinician.json("GET", f"/api/v1/sessions/{other['id']}/events")["events"]}
    check(ips["IdentityVerified"] == stranger_ip, f"a forged X-Forwarded-For from {stranger_ip} is ignored ({ips['IdentityVerified']})")
    return steps


def main():
    if sys.argv[1:2] == ["leaks"]:
        return leaks(*sys.argv[2:])
    try:
        steps = walk(*sys.argv[2:10])
    except Failure as failure:
        print(failure)
        return 1
    print(f"proxy walk: {steps} patient pages, countersigned, record downloaded, forged addresses ignored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
