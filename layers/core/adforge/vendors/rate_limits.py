"""How fast each vendor account may be called: documented defaults, overridden per account in the vendor secret.

Only CreativeAI documents figures (creativeai-api.txt, "Rate Limits"): per API key, Free 10, Pro 100 and
Enterprise 1,000 requests per minute; video creation 5 per minute and video status 120 per minute. The tier
figure covers every request; we give creations and status calls each the tier's rate (a status call is rare on
the webhook path) and let the 429s' `Retry-After` correct the rest. adcreator, AdSumo and AdCreative document a
429 (AdSumo) or nothing: 60 creations and 120 status calls per minute, a guess to set per account.

Vendor secret entry, all optional beside the credentials: `"tier": "free" | "pro" | "enterprise"` (CreativeAI,
default pro), `"creations_per_minute"`, `"status_per_minute"` (numbers as strings or numbers), and `"max_in_flight"`:
at most this many of the account's generations running at once (no vendor documents a figure, so none by
default; CreativeAI mentions "concurrency caps" on enterprise keys without a number).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from adforge.domain.models import JobKind
from adforge.domain.rate_limits import AccountLimits

CREATIVEAI_TIERS = {"free": 10.0, "pro": 100.0, "enterprise": 1000.0}
CREATIVEAI_VIDEO_CREATIONS = 5.0
CREATIVEAI_VIDEO_STATUS = 120.0
UNDOCUMENTED_CREATIONS = 60.0
UNDOCUMENTED_STATUS = 120.0
LIMIT_KEYS = frozenset({"tier", "creations_per_minute", "status_per_minute", "max_in_flight"})
PER_OUTPUT = frozenset({"adcreator", "adsumo"})  # one creation request per output (see their packages)
EVERY_KIND = frozenset(JobKind)


def _rate(secret: Mapping[str, Any], name: str, default: float) -> float:
    value = float(secret.get(name, default))
    if not 0 < value <= 100_000:
        raise ValueError(f"{name} must be a positive request rate per minute, not {value}")
    return value


def limits_for(vendor: str, secret_key: str, secret: Mapping[str, Any]) -> AccountLimits:
    """The limits of the account `secret` (this vendor's entry in the vendor secret) names."""
    credentials = "\x00".join(f"{key}={secret[key]}" for key in sorted(secret) if key not in LIMIT_KEYS)
    account = f"{secret_key}#{hashlib.sha256(credentials.encode()).hexdigest()[:16]}"
    cap = int(secret["max_in_flight"]) if secret.get("max_in_flight") not in (None, "") else None
    if cap is not None and cap < 1:
        raise ValueError(f"max_in_flight must be at least 1, not {cap}")
    documented = vendor == "creativeai"
    tier = CREATIVEAI_TIERS[str(secret.get("tier", "pro"))] if documented else None
    return AccountLimits(
        vendor,
        account,
        _rate(secret, "creations_per_minute", tier or UNDOCUMENTED_CREATIONS),
        _rate(secret, "status_per_minute", tier or UNDOCUMENTED_STATUS),
        CREATIVEAI_VIDEO_CREATIONS if documented else None,
        CREATIVEAI_VIDEO_STATUS if documented else None,
        cap,
        # CreativeAI: one request per image, one batch for videos
        EVERY_KIND if vendor in PER_OUTPUT else frozenset({JobKind.IMAGE}) if documented else frozenset(),
    )
