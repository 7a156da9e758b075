#!/usr/bin/env python3
"""Receive the MCP Calendar Server's webhooks, the way the seed's AI backend would.

Standard library only. Verifies the Standard Webhooks signature (``webhook-signature`` holds one
or more space-separated ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``) with the
secret(s) in ``WEBHOOK_SECRET`` (``whsec_<base64>``; comma-separated while rotating), refuses
timestamps more than five minutes from now, drops duplicates by ``webhook-id`` (delivery is at
least once), and prints each accepted webhook's body as one JSON line.

    WEBHOOK_SECRET=whsec_... python3 examples/webhook_receiver.py --port 8080

Answers 204 to an accepted (or already seen) webhook, 401 to a bad signature or timestamp, 400 to
a malformed request. The first line on stdout says where it listens.
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024


class VerificationError(Exception):
    """The request is not a genuine, fresh webhook."""


def parse_secrets(text):
    """Decode ``whsec_<base64>`` secrets, comma-separated."""
    secrets = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if not item.startswith("whsec_"):
            raise ValueError("each secret must start with whsec_")
        try:
            secrets.append(base64.b64decode(item[len("whsec_"):], validate=True))
        except binascii.Error as error:
            raise ValueError("a secret is not valid base64") from error
    if not secrets:
        raise ValueError("no secret given")
    return secrets


def verify(secrets, webhook_id, timestamp, signature_header, body, now=None):
    """Raise VerificationError unless one of the signatures matches one of the secrets."""
    if not webhook_id or not timestamp or not signature_header:
        raise VerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise VerificationError("webhook-timestamp is not a number") from error
    now = time.time() if now is None else now
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        raise VerificationError("webhook-timestamp is outside the five-minute window")
    content = b"%s.%s.%s" % (webhook_id.encode(), timestamp.encode(), body)
    expected = [
        base64.b64encode(hmac.new(secret, content, hashlib.sha256).digest()) for secret in secrets
    ]
    for candidate in signature_header.split(" "):
        version, _, value = candidate.partition(",")
        if version != "v1":
            continue
        if any(hmac.compare_digest(value.encode(), one) for one in expected):
            return
    raise VerificationError("no signature matches")


class Receiver(BaseHTTPRequestHandler):
    secrets = []
    seen = set()
    lock = threading.Lock()

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._answer(400, "bad Content-Length")
            return
        body = self.rfile.read(length)
        webhook_id = self.headers.get("webhook-id", "")
        try:
            verify(
                self.secrets,
                webhook_id,
                self.headers.get("webhook-timestamp", ""),
                self.headers.get("webhook-signature", ""),
                body,
            )
            event = json.loads(body)
        except VerificationError as error:
            self._answer(401, str(error))
            return
        except ValueError:
            self._answer(400, "body is not JSON")
            return
        with self.lock:
            duplicate = webhook_id in self.seen
            self.seen.add(webhook_id)
        if not duplicate:
            print(json.dumps({"webhook_id": webhook_id, **event}), flush=True)
        self._answer(204, "")

    def _answer(self, status, reason):
        data = json.dumps({"error": reason}).encode() if reason else b""
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    args = parser.parse_args()
    try:
        Receiver.secrets = parse_secrets(os.environ.get("WEBHOOK_SECRET", ""))
    except ValueError as error:
        print("WEBHOOK_SECRET: %s" % error, file=sys.stderr)
        return 2
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    print("listening on http://%s:%d/" % (args.host, server.server_port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
