"""The development TSA's HTTP server (scripts/dev-tsa.sh serve DIR PORT); python3 standard library only.

POST /tsa          an RFC 3161 time-stamp query (application/timestamp-query) answered by `openssl ts -reply`
                   with DIR/tsa.cnf (application/timestamp-reply); HTTP Basic credentials when DEV_TSA_USER
                   and DEV_TSA_PASSWORD are set
GET  /crl/ca.crl   the CA's CRL, DER (application/pkix-crl), published anew when it is six days old
GET  /ca.crt       the CA certificate, DER (application/pkix-cert)
GET  /health       200 ok

It listens on 127.0.0.1 only and logs one line a request to stderr. Development and tests only.
"""

import base64
import fcntl
import hmac
import os
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_QUERY_BYTES = 64 * 1024
OPENSSL_SECONDS = 10
CRL_REFRESH_SECONDS = 6 * 24 * 3600


class Tsa:
    def __init__(self, directory, script):
        self.directory = directory
        self.script = script
        self.user = os.environ.get("DEV_TSA_USER") or None
        self.password = os.environ.get("DEV_TSA_PASSWORD") or ""

    def path(self, name):
        return os.path.join(self.directory, name)

    def locked(self):
        """An exclusive lock on DIR/tsa.lock, so that one openssl at a time reads and writes the serial file."""
        handle = open(self.path("tsa.lock"), "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    def reply(self, query):
        """(the DER reply, None) to a DER query, or (None, openssl's last error line) when openssl failed."""
        handle = self.locked()
        try:
            with tempfile.TemporaryDirectory(dir=self.directory, prefix="query-") as work:
                query_file = os.path.join(work, "query.tsq")
                reply_file = os.path.join(work, "reply.tsr")
                with open(query_file, "wb") as f:
                    f.write(query)
                result = subprocess.run(
                    ["openssl", "ts", "-reply", "-config", self.path("tsa.cnf"), "-queryfile", query_file,
                     "-inkey", self.path("tsa.key"), "-signer", self.path("tsa.pem"), "-chain", self.path("ca.pem"),
                     "-out", reply_file],
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=OPENSSL_SECONDS, check=False)
                if result.returncode != 0 or not os.path.exists(reply_file):
                    return None, result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reply"]
                with open(reply_file, "rb") as f:
                    return f.read(), None
        finally:
            handle.close()

    def crl(self):
        """The DER CRL, published anew first when it is six days old (its next update is seven days after)."""
        if time.time() - os.path.getmtime(self.path("crl.pem")) > CRL_REFRESH_SECONDS:
            handle = self.locked()
            try:
                if time.time() - os.path.getmtime(self.path("crl.pem")) > CRL_REFRESH_SECONDS:
                    subprocess.run(["bash", self.script, "crl", self.directory], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=OPENSSL_SECONDS, check=True)
            finally:
                handle.close()
        with open(self.path("ca.crl"), "rb") as f:
            return f.read()

    def authorized(self, header):
        if self.user is None:
            return True
        if not header or not header.startswith("Basic "):
            return False
        try:
            given = base64.b64decode(header[6:].strip(), validate=True)
        except ValueError:
            return False
        expected = (self.user + ":" + self.password).encode("utf-8")
        return hmac.compare_digest(given, expected)


def der_element(data, offset):
    """(tag, start of contents, end of contents) of the DER element at offset."""
    tag = data[offset]
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("truncated DER")
    return tag, start, start + length


def rejected_as_malformed(reply):
    """True when the reply is a rejection whose PKIFailureInfo has badDataFormat (RFC 3161, 2.4.2):
    openssl's answer to a query it could not read. Other rejections (an unaccepted hash algorithm or
    policy) are proper RFC 3161 answers and go back as they are."""
    try:
        _, response, _ = der_element(reply, 0)
        tag, status_info, status_end = der_element(reply, response)
        if tag != 0x30:
            return True
        tag, start, end = der_element(reply, status_info)
        if tag != 0x02 or int.from_bytes(reply[start:end], "big") in (0, 1):
            return False
        offset = end
        while offset < status_end:
            tag, start, end = der_element(reply, offset)
            if tag == 0x03 and end - start >= 2:
                # BIT STRING: unused-bits octet, then bits from the most significant; badDataFormat is bit 5.
                return bool(reply[start + 1] & (0x80 >> 5))
            offset = end
        return False
    except (IndexError, ValueError):
        return True


def handler(tsa):
    class Handler(BaseHTTPRequestHandler):
        server_version = "consent-dev-tsa/1"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def send(self, status, body, content_type="text/plain; charset=utf-8", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                self.send(200, b"ok\n")
            elif self.path == "/crl/ca.crl":
                self.send(200, tsa.crl(), "application/pkix-crl")
            elif self.path == "/ca.crt":
                with open(tsa.path("ca.der"), "rb") as f:
                    self.send(200, f.read(), "application/pkix-cert")
            else:
                self.send(404, b"not found\n")

        do_HEAD = do_GET

        def do_POST(self):
            length = self.headers.get("Content-Length")
            try:
                length = int(length) if length is not None else -1
            except ValueError:
                length = -1
            if self.path != "/tsa":
                self.discard(length)
                self.send(404, b"not found\n")
                return
            if not tsa.authorized(self.headers.get("Authorization")):
                self.discard(length)
                self.send(401, b"credentials needed\n", headers=[("WWW-Authenticate", 'Basic realm="Consent development TSA"')])
                return
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != "application/timestamp-query":
                self.discard(length)
                self.send(415, b"send an application/timestamp-query\n")
                return
            if length < 0:
                self.send(411, b"Content-Length needed\n", headers=[("Connection", "close")])
                self.close_connection = True
                return
            if length == 0 or length > MAX_QUERY_BYTES:
                self.discard(length)
                self.send(400, b"empty or oversized query\n")
                return
            query = self.rfile.read(length)
            try:
                reply, problem = tsa.reply(query)
            except subprocess.TimeoutExpired:
                self.send(503, b"openssl took too long\n")
                return
            if reply is None:
                # openssl answers even a query it cannot read (with a rejection); failing outright means
                # the TSA's own files are wrong.
                self.log_message("openssl ts -reply failed: %s", " ".join(problem))
                self.send(500, b"the TSA could not sign\n")
                return
            if rejected_as_malformed(reply):
                self.log_message("malformed query (badDataFormat)")
                self.send(400, b"malformed time-stamp query\n")
                return
            self.send(200, reply, "application/timestamp-reply")

        def discard(self, length):
            if 0 < length <= MAX_QUERY_BYTES:
                self.rfile.read(length)
            elif length != 0:
                self.close_connection = True

        def log_message(self, format, *args):
            # The request line and status only: never a header, so never credentials.
            sys.stderr.write("%s dev-tsa %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), format % args))
            sys.stderr.flush()

    return Handler


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: server.py DIR PORT DEV-TSA-SCRIPT\n")
        return 2
    directory, port, script = os.path.abspath(sys.argv[1]), int(sys.argv[2]), os.path.abspath(sys.argv[3])
    tsa = Tsa(directory, script)
    ThreadingHTTPServer.request_queue_size = 64
    server = ThreadingHTTPServer(("127.0.0.1", port), handler(tsa))
    server.daemon_threads = True
    sys.stderr.write("dev-tsa: serving %s on http://127.0.0.1:%d (TSA at /tsa%s)\n"
                     % (directory, port, ", HTTP Basic credentials required" if tsa.user else ""))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
