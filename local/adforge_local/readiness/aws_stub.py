"""The AWS stand-in: every call fails at once with a generic, non-retryable AWS error (400 `ReadinessCheckNoAws`).

It answers in the protocol the call was made in (JSON, query, REST-XML) so that botocore raises a
ClientError, and counts each call as `service:operation` for the result line.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STUB_CODE = "ReadinessCheckNoAws"
STUB_MESSAGE = "no AWS in the deploy-readiness check: every call answers this error"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class _Refuse(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: StubServer

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                data += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers
                pass
            return data
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self) -> None:
        body = self._body()
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        target = self.headers.get("X-Amz-Target", "")
        action = re.match(rb"Action=([A-Za-z0-9]+)", body)
        self.server.calls.append(f"{scope.group(1) if scope else 'unsigned'}:{self._operation(target, action)}"[:80])
        content_type, payload = self._error(target, action)
        self.send_response(400)
        for header, value in {
            "Content-Type": content_type,
            "x-amzn-ErrorType": STUB_CODE,
            "x-amzn-query-error": f"{STUB_CODE};Sender",
            "x-amzn-RequestId": "readiness",
            "x-amz-request-id": "readiness",
            "Content-Length": "0" if self.command == "HEAD" else str(len(payload)),
        }.items():
            self.send_header(header, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _operation(self, target: str, action: re.Match[bytes] | None) -> str:
        """JSON protocols name it in X-Amz-Target, query ones in `Action=`; REST (S3) says path-style /bucket[/key]."""
        if target:
            return target.rsplit(".", 1)[-1]
        if action:
            return action.group(1).decode()
        return f"{self.command} {'object' if '/' in self.path.split('?')[0].strip('/') else 'bucket'}"

    def _error(self, target: str, action: re.Match[bytes] | None) -> tuple[str, bytes]:
        """(content type, body) of the error in the protocol the call was made in."""
        if target or "json" in self.headers.get("Content-Type", ""):
            return "application/x-amz-json-1.0", json.dumps({"__type": STUB_CODE, "message": STUB_MESSAGE}).encode()
        said = f"<Code>{STUB_CODE}</Code><Message>{STUB_MESSAGE}</Message>"
        if action:
            query = f"<ErrorResponse><Error><Type>Sender</Type>{said}</Error><RequestId>readiness</RequestId></ErrorResponse>"
            return "text/xml", query.encode()
        return "application/xml", f"<Error>{said}</Error>".encode()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Calls are counted, not logged."""


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Refuse)
        self.calls: list[str] = []


@contextmanager
def aws_stub() -> Iterator[StubServer]:
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
