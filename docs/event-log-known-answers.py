#!/usr/bin/env python3
"""Recomputes docs/event-log-known-answers.json from docs/event-log.md alone (no code of the service).

An independent implementation of the canonical text and hash chain the document describes, kept
beside it so anyone implementing the chain can compare: `python3 docs/event-log-known-answers.py`
prints every event's canonical text and hash and exits non-zero when one differs from the file.
`--write` rewrites the expected values from the events in the file. Consent.Web.Tests checks the
service's own implementation (EventChain) against the same file.
"""
import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path

FILE = Path(__file__).with_name("event-log-known-answers.json")


def string(value):
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}.get(ch, f"\\u{ord(ch):04X}"))
        elif ord(ch) > 0xFFFF:
            # Outside the Basic Multilingual Plane (emoji): the UTF-16 surrogate pair, each as \uXXXX.
            high, low = 0xD800 + ((ord(ch) - 0x10000) >> 10), 0xDC00 + ((ord(ch) - 0x10000) & 0x3FF)
            out.append(f"\\u{high:04X}\\u{low:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def number(value):
    text = format(Decimal(value).normalize(), "f")  # no exponent, no trailing zeros after the point
    return text


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (int, float, Decimal)):
        return number(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        # Ordinal order of the names: for these ASCII names, plain code point order.
        return "{" + ",".join(string(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    raise TypeError(type(value))


def main():
    known = json.loads(FILE.read_text(encoding="utf-8"))
    previous = "0" * 64
    failures = 0
    for event in known["events"]:
        document = {
            "actor": event["actor"], "at": event["at"], "contentHash": event["contentHash"], "ip": event["ip"],
            "payload": json.loads(event["payload"], parse_float=Decimal, parse_int=Decimal), "prevHash": previous,
            "seq": event["seq"], "sessionId": known["sessionId"], "stepId": event["stepId"], "type": event["type"],
            "userAgent": event["userAgent"],
        }
        text = canonical(document)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if "--write" in sys.argv:
            event["canonicalText"], event["hash"] = text, digest
        elif (text, digest) != (event.get("canonicalText"), event.get("hash")):
            failures += 1
            print(f"event {event['seq']}: expected {event.get('hash')}, computed {digest}\n  {text}")
        print(f"{event['seq']} {digest} {text}")
        previous = digest
    if "--write" in sys.argv:
        FILE.write_text(json.dumps(known, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
