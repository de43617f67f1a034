"""Typed settings read from the environment once per cold start; a missing or malformed value fails at once.

Plain dataclasses, not pydantic: the authorizer reads settings and nothing else that needs pydantic, so its cold
start does not pay for it. Each field `table_name` reads `TABLE_NAME`; values are coerced by the field's type
(`str`, `int`, `float`, `bool`: true/false, 1/0, yes/no, on/off) and every problem is reported in one
`SettingsError`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, TypeVar, get_type_hints

S = TypeVar("S", bound="EnvSettings")
TRUE, FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})


class SettingsError(RuntimeError):
    """The function is misconfigured: it cannot start."""


def _coerce(raw: str, kind: type) -> Any:
    if kind is bool:
        word = raw.strip().lower()
        if word not in TRUE | FALSE:
            raise ValueError(f"not a boolean: {raw!r}")
        return word in TRUE
    if kind in (int, float):
        return kind(raw.strip())
    return raw


@dataclasses.dataclass(frozen=True)
class EnvSettings:
    """The base of every settings class: `from_env` reads its fields from the environment."""

    @classmethod
    def required(cls) -> list[str]:
        """The fields without a default (their variables must be set)."""
        return [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]

    @classmethod
    def from_env(cls: type[S], env: Mapping[str, str] | None = None) -> S:
        source: Mapping[str, str] = os.environ if env is None else env
        hints, values, problems = get_type_hints(cls), {}, []
        for field in dataclasses.fields(cls):
            variable = field.name.upper()
            if variable not in source:
                if field.default is dataclasses.MISSING:
                    problems.append(f"{variable} is not set")
                continue
            try:
                values[field.name] = _coerce(source[variable], hints[field.name])
            except ValueError as error:
                problems.append(f"{variable}: {error}")
        if not problems:
            settings = cls(**values)
            problems = settings.problems()
            if not problems:
                return settings
        raise SettingsError(f"{cls.__name__}: {'; '.join(problems)}")

    def problems(self) -> list[str]:
        """Rules beyond the types (none by default)."""
        return []


@dataclasses.dataclass(frozen=True)
class StoreSettings(EnvSettings):
    table_name: str
    bucket_name: str
    event_bus_name: str
    allow_loopback: bool = False
    max_input_bytes: int = 20 * 1024 * 1024
    max_output_bytes: int = 200 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class QueueSettings(EnvSettings):
    product_queue_url: str


@dataclasses.dataclass(frozen=True)
class WorkflowSettings(EnvSettings):
    state_machine_arn: str


@dataclasses.dataclass(frozen=True)
class VendorSettings(EnvSettings):
    vendor_secret_name: str
    public_api_url: str
    creativeai_base_url: str = "https://api.creativeai.run"
    adcreator_base_url: str = "https://adcreator.ai"
    adcreative_base_url: str = "https://api.adcreative.ai"
    adsumo_base_url: str = "https://www.adsumo.ai"
    vendor_timeout_seconds: float = 30.0


@dataclasses.dataclass(frozen=True)
class PollSettings(EnvSettings):
    """`webhook_wait_seconds` and `poll_initial_seconds` are ceilings: each vendor's declared timings set the wait
    below them (domain/capabilities.py `Timings`). `timing_scale` multiplies those timings (local stack only)."""

    webhook_wait_seconds: int = 180
    poll_initial_seconds: int = 10
    poll_max_seconds: int = 300
    job_deadline_seconds: int = 3600
    timing_scale: float = 1.0

    def problems(self) -> list[str]:
        return [] if self.timing_scale > 0 else [f"TIMING_SCALE must be above 0, not {self.timing_scale}"]
