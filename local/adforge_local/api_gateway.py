"""A local HTTP front door that serves template.yaml's API routes as API Gateway (REST) proxy events.

moto's API Gateway does not call Lambda, so this does, the way API Gateway would: REQUEST
authorizer first (answers cached per identity header for ReauthorizeEvery seconds, on `clock`,
which tests may move forward instead of waiting), then the route's function through moto's Lambda
API (and so through the in-process bridge).
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from adforge_local.template import ACCOUNT, Authorizer, Route

INTEGRATION_TIMEOUT_SECONDS = 29  # API Gateway REST's integration limit
MAX_PAYLOAD_BYTES = 10 * 2**20  # API Gateway REST's payload limit: a larger request never reaches the function
_AUTHORIZER_FIELDS = ("resource", "path", "httpMethod", "headers", "queryStringParameters", "pathParameters", "requestContext")


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")


def _policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    allowed = False
    for statement in policy.get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class LocalApiGateway:
    def __init__(self, region: str, stage: str, port: int = 0) -> None:
        self._routes: list[tuple[Route, re.Pattern[str]]] = []
        self._authorizer: Authorizer | None = None
        self._functions: dict[str, str] = {}
        self._responses: dict[str, tuple[int | None, str]] = {}
        self._lambda: Any = None
        self._region = region
        self._stage = stage
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.integration_timeout: float = INTEGRATION_TIMEOUT_SECONDS
        self.clock: Callable[[], float] = time.time  # the authorizer cache's time
        self._calls = ThreadPoolExecutor(max_workers=16, thread_name_prefix="api-integration")
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="api-gateway", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def mount(
        self,
        routes: list[Route],
        authorizer: Authorizer | None,
        functions: dict[str, str],
        lambda_client: Any,
        responses: dict[str, tuple[int | None, str]] | None = None,
    ) -> None:
        """Routes, functions and gateway responses come from the template, known once the stack is provisioned."""
        self._responses = responses or {}
        self._routes = [(route, _pattern(route.path)) for route in routes]
        self._authorizer = authorizer
        self._functions = functions
        self._lambda = lambda_client

    def start(self) -> LocalApiGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._calls.shutdown(wait=False, cancel_futures=True)

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        if len(body) > MAX_PAYLOAD_BYTES:
            return self._gateway_response("REQUEST_TOO_LARGE", 413, '{"message":"Request Too Long"}')
        parts = urlsplit(raw_path)
        for route, pattern in self._routes:
            found = pattern.match(parts.path)
            if found and route.method == method:
                event = self._event(route, parts.path, parts.query, found.groupdict(), headers, body, source_ip)
                if route.authorized:
                    refusal = self._authorize(event)
                    if refusal is not None:
                        return refusal
                return self._invoke(route.function, event)
        return self._gateway_response("MISSING_AUTHENTICATION_TOKEN", 403, '{"message":"Missing Authentication Token"}')

    def _event(self, route: Route, path: str, query: str, params: dict[str, str], headers: dict[str, str],
               body: bytes, source_ip: str) -> dict[str, Any]:  # fmt: skip
        multi_query = parse_qs(query, keep_blank_values=True)
        try:
            text, encoded = (body.decode("utf-8"), False) if body else (None, False)
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": route.method,
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "accountId": ACCOUNT,
                "apiId": "local",
                "resourcePath": route.path,
                "httpMethod": route.method,
                "path": f"/{self._stage}{path}",
                "stage": self._stage,
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": source_ip},
            },
            "body": text,
            "isBase64Encoded": encoded,
        }

    def _authorize(self, event: dict[str, Any]) -> tuple[int, dict[str, str], bytes] | None:
        assert self._authorizer is not None
        unauthorized = self._gateway_response("UNAUTHORIZED", 401, '{"message":"Unauthorized"}')
        identity = next((v for k, v in event["headers"].items() if k.lower() == self._authorizer.identity_header.lower()), None)
        if not identity:
            return unauthorized
        method_arn = f"arn:aws:execute-api:{self._region}:{ACCOUNT}:local/{self._stage}/{event['httpMethod']}{event['resource']}"
        with self._lock:
            cached = self._cache.get(identity)
        if cached is None or cached[0] <= self.clock():
            request = {**{k: event[k] for k in _AUTHORIZER_FIELDS}, "type": "REQUEST", "methodArn": method_arn}
            response = self._lambda.invoke(FunctionName=self._functions[self._authorizer.function], Payload=json.dumps(request))
            answer = json.loads(response["Payload"].read())
            if "FunctionError" in response:
                return (
                    unauthorized
                    if answer.get("errorMessage") == "Unauthorized"
                    else self._gateway_response("DEFAULT_5XX", 500, "{}")
                )
            cached = (self.clock() + self._authorizer.ttl_seconds, answer)
            with self._lock:
                self._cache[identity] = cached
        answer = cached[1]
        if not _policy_allows(answer.get("policyDocument", {}), method_arn):
            return self._gateway_response("ACCESS_DENIED", 403, '{"Message":"User is not authorized to access this resource"}')
        event["requestContext"]["authorizer"] = {**answer.get("context", {}), "principalId": answer.get("principalId")}
        return None

    def _gateway_response(self, kind: str, status: int, default_body: str) -> tuple[int, dict[str, str], bytes]:
        """API Gateway's own answer: the template's override when it has one (with $context.requestId filled in)."""
        family = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"  # a type without its own override takes its family's
        override_status, template = self._responses.get(kind) or (None, self._responses.get(family, (None, ""))[1])
        body = template.replace("$context.requestId", str(uuid.uuid4())) if template else default_body
        return override_status or status, {"Content-Type": "application/json"}, body.encode()

    def _invoke(self, logical: str, event: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        """Like API Gateway, gives up on the integration after 29 s (504; the function runs on regardless)."""
        pending = self._calls.submit(
            lambda: self._lambda.invoke(FunctionName=self._functions[logical], Payload=json.dumps(event))
        )
        try:
            response = pending.result(timeout=self.integration_timeout)
        except FutureTimeout:
            return self._gateway_response("INTEGRATION_TIMEOUT", 504, '{"message": "Endpoint request timed out"}')
        answer = json.loads(response["Payload"].read())
        if "FunctionError" in response or not isinstance(answer, dict) or "statusCode" not in answer:
            return self._gateway_response("DEFAULT_5XX", 502, '{"message": "Internal server error"}')
        headers = {k: str(v) for k, v in (answer.get("headers") or {}).items()}
        for name, values in (answer.get("multiValueHeaders") or {}).items():
            headers[name] = ", ".join(str(v) for v in values)
        body = answer.get("body") or ""
        raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
        return int(answer["statusCode"]), headers, raw

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = gateway.handle(
                    self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
                )
                self.send_response(status)
                headers.setdefault("Content-Type", "application/json")
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":  # RFC 9110: the headers a GET would have, no content
                    self.wfile.write(payload)

            # every method reaches the route table, as at API Gateway: one the template does not route (OPTIONS
            # without CORS, HEAD, TRACE, QUERY) gets the gateway's MISSING_AUTHENTICATION_TOKEN answer, never
            # http.server's own 501 HTML
            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve
            do_OPTIONS = do_HEAD = do_TRACE = do_QUERY = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return _Handler
