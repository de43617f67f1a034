"""AdCreative.ai plumbing shared by both APIs: JWT auth, the documented problem+json errors, request parsing."""

from __future__ import annotations

import base64
import contextlib
import email.parser
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from adforge_local.sandboxes.base import Reply, Request, Sandbox

AUTH_PATH = "/api/v1/Authorization/GenerateJwtToken"
UNAUTHORIZED = "Token is missing, invalid or ApplicationId is not found in the token."
PROBLEM_JSON = "application/problem+json; charset=utf-8"
REFRESH_LIFETIME = 7 * 24 * 3600.0


class RequestError(Exception):
    """Raised by request parsing; carries the vendor's error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


@dataclass(frozen=True)
class Field:
    """One multipart/form field: its raw bytes and, for files, the file name."""

    value: bytes
    filename: str | None = None

    @property
    def text(self) -> str:
        return self.value.decode("utf-8", "replace")


def trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def problem(status: int, errors: dict[str, list[str]], detail: str | None = None) -> Reply:
    """The documented business/engine error body ("One or more errors occurred.")."""
    body = {
        "errors": errors,
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        "title": "One or more errors occurred.",
        "status": status,
        "detail": detail,
        "instance": None,
        "extensions": {"traceId": trace_id()},
    }
    return Reply(status, json.dumps(body).encode(), PROBLEM_JSON)


def validation(name: str, *messages: str) -> Reply:
    """The documented model-validation error body ("One or more validation errors occurred.")."""
    body = {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": {name: list(messages)},
        "traceId": trace_id(),
    }
    return Reply(400, json.dumps(body).encode(), PROBLEM_JSON)


def with_reference_ids(reply: Reply) -> Reply:
    """A model-validation body with the `$id` references of the stock Download's documented example
    (`{"$id": "1", ..., "errors": {"$id": "2", ...}, ...}`); any other reply unchanged."""
    body = json.loads(reply.body or b"null")
    if reply.status != 400 or not isinstance(body, dict) or "traceId" not in body:
        return reply
    ided = {"$id": "1", **body, "errors": {"$id": "2", **body["errors"]}}
    return Reply(400, json.dumps(ided).encode(), reply.content_type, reply.headers)


def unauthorized() -> Reply:
    return problem(401, {"business:": [UNAUTHORIZED]})


def header(request: Request, name: str) -> str:
    return next((value for key, value in request.headers.items() if key.lower() == name), "")


def query(request: Request) -> dict[str, str]:
    """Query parameters by lower-cased name (ASP.NET binds them case-insensitively)."""
    return {key.lower(): values[0] for key, values in request.query.items()}


def form(request: Request) -> dict[str, Field]:
    """multipart/form-data (or urlencoded) fields by lower-cased name."""
    content_type = header(request, "content-type")
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qs(request.body.decode(), keep_blank_values=True)
        return {key.lower(): Field(values[0].encode()) for key, values in pairs.items()}
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body)
    fields: dict[str, Field] = {}
    for part in list(message.walk())[1:]:
        name = str(part.get_param("name", header="content-disposition") or "").lower()
        payload = part.get_payload(decode=True)
        fields[name] = Field(payload if isinstance(payload, bytes) else b"", part.get_filename())
    return fields


def texts(fields: Mapping[str, Field]) -> dict[str, str]:
    return {name: field.text for name, field in fields.items() if field.filename is None}


def json_body(request: Request) -> dict[str, Any]:
    """A JSON object body by lower-cased key (System.Text.Json web defaults are case-insensitive)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise RequestError(validation("$", "The request body must be a JSON object."))
    return {key.lower(): value for key, value in body.items()}


def guid(raw: str | None) -> str | None:
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        return None


def need_guid(values: Mapping[str, Any], name: str) -> str:
    """A required, non-empty GUID parameter, or the documented validation error."""
    raw = values.get(name.lower())
    if raw is None or str(raw) == "":
        raise RequestError(validation(name, f"The {name} field is required."))
    parsed = guid(raw)
    if parsed is None:
        raise RequestError(validation(name, f"The value '{raw}' is not valid."))
    if parsed == str(uuid.UUID(int=0)):
        raise RequestError(validation(name, f"The {name} field must be a non-empty GUID."))
    return parsed


def flag(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = values.get(name.lower(), "")
    if raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise RequestError(validation(name, f"The value '{raw}' is not valid."))
    return raw.lower() == "true"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AdCreativeAuth(Sandbox):
    """x-api-key + x-api-secret on every call, plus `Authorization: Bearer <JWT>` on all but GenerateJwtToken."""

    name = "adcreative"

    def __init__(self, api_key: str, api_secret: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.api_key = api_key
        self.api_secret = api_secret
        self.token_lifetime = 3600.0
        self.api("POST", AUTH_PATH, "generate_jwt_token", self._generate_token)

    def api(self, method: str, path: str, name: str, handler: Callable[[Request], Reply]) -> None:
        """An authenticated, fault-injectable route, matched case-insensitively like ASP.NET routing."""

        def guarded(request: Request) -> Reply:
            try:
                return handler(request)
            except RequestError as rejection:
                return rejection.reply

        self.route(method, f"(?i:{path})", name, guarded)

    def authorized(self, request: Request) -> Reply | None:
        keys_ok = hmac.compare_digest(header(request, "x-api-key").encode(), self.api_key.encode())
        secret_ok = hmac.compare_digest(header(request, "x-api-secret").encode(), self.api_secret.encode())
        if not (keys_ok and secret_ok):
            return unauthorized()
        if request.path.lower() == AUTH_PATH.lower():
            return None
        application = self.token_application(request)
        claimed = guid(self._claimed_application(request))
        if application is None or (claimed is not None and claimed != application):
            return unauthorized()
        return None

    def fault_reply(self, status: int, retry_after: int | None) -> Reply:
        message = "Too many requests: retry after Retry-After seconds." if status == 429 else "Service temporarily unavailable."
        reply = problem(status, {"business:": [message]})
        if retry_after is not None:
            reply.headers["Retry-After"] = str(retry_after)
        return reply

    def identity(self, request: Request) -> str:
        """Rate limits and the ledger go by the token's application (one key and secret serve them all)."""
        return self.application(request)

    def application(self, request: Request) -> str:
        """The applicationId claim of the (already verified) bearer token."""
        return self.token_application(request) or ""

    def token_application(self, request: Request) -> str | None:
        scheme, _, token = header(request, "authorization").partition(" ")
        parts = token.strip().split(".")
        if scheme.lower() != "bearer" or len(parts) != 3:
            return None
        if not hmac.compare_digest(self._sign(f"{parts[0]}.{parts[1]}"), parts[2]):
            return None
        try:
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            return None
        if not isinstance(claims, dict) or float(claims.get("exp", 0)) <= self.clock.now():
            return None
        application = claims.get("applicationId")
        return application if isinstance(application, str) else None

    def _claimed_application(self, request: Request) -> str | None:
        values: dict[str, Any] = {**query(request), **texts(form(request))}
        if "json" in header(request, "content-type"):
            with contextlib.suppress(RequestError):
                values.update(json_body(request))
        claimed = values.get("applicationid")
        return None if claimed is None else str(claimed)

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self.api_secret.encode(), signing_input.encode(), hashlib.sha256).digest())

    def _generate_token(self, request: Request) -> Reply:
        application = need_guid(json_body(request), "applicationId")
        now = self.clock.now()
        expires = now + self.token_lifetime
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {"applicationId": application, "iat": int(now), "exp": round(expires, 3), "jti": str(uuid.uuid4())}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        token = f"{head}.{payload}.{self._sign(f'{head}.{payload}')}"
        return Reply.json(
            200,
            {
                "$id": "1",
                "applicationId": application,
                "accessToken": token,
                "accessTokenExpiration": iso(expires),
                "refreshToken": base64.b64encode(secrets.token_bytes(32)).decode(),
                "refreshTokenExpiration": iso(now + REFRESH_LIFETIME),
            },
        )
