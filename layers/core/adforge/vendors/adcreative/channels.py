"""The application's NotificationChannel pointing at our webhook endpoint. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from adforge.ports.vendors import VendorProtocolError
from adforge.vendors.adcreative import TOKEN_PARAM

JOB_PARAM = "job"


@dataclass(frozen=True)
class Channel:
    id: str
    url: str
    active: bool


def webhook_token(secret: Mapping[str, str]) -> str:
    """The secret our callback URL carries; an empty one would let any delivery through."""
    token = secret["webhook_token"]
    if not token:
        raise ValueError("webhook_token must not be empty")
    return token


def channel_url(callback_url: str, token: str) -> str:
    """Our per-job callback URL made application-wide: `job` removed (one channel serves every job), `token` added."""
    parts = urlsplit(callback_url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key not in (JOB_PARAM, TOKEN_PARAM)]
    return urlunsplit(parts._replace(query=urlencode([*query, (TOKEN_PARAM, token)])))


def endpoint(url: str) -> str:
    """A URL without its query: channels at the same endpoint are ours, whatever token they carry."""
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))


def channel_body(application_id: str, url: str) -> dict[str, Any]:
    """Body of `POST /api/v1/NotificationChannel` and `PUT /api/v1/NotificationChannel/{id}`."""
    return {
        "applicationId": application_id,
        "notificationChannelType": "WebHook",
        "url": url,
        "includeImageData": False,
        "isActive": True,
    }


def read_channels(vendor: str, body: Any) -> list[Channel]:
    """`GET /api/v1/NotificationChannel`: `[{id, url, isActive, ...}]`."""
    if not isinstance(body, list):
        raise VendorProtocolError(vendor, "NotificationChannel did not answer a list")
    return [
        Channel(id=str(item["id"]), url=str(item.get("url") or ""), active=bool(item.get("isActive")))
        for item in body
        if isinstance(item, dict) and item.get("id")
    ]


def plan(channels: list[Channel], url: str) -> tuple[str, str | None]:
    """What to do so one active channel delivers to `url`: ("keep"|"update"|"create", channel id)."""
    if any(channel.url == url and channel.active for channel in channels):
        return "keep", None
    ours = [channel for channel in channels if endpoint(channel.url) == endpoint(url)]
    if ours:
        return "update", ours[0].id
    return "create", None
