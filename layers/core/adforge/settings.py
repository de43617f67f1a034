"""Typed settings read from the environment once per cold start; a missing value fails at once."""

from __future__ import annotations

import os
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

S = TypeVar("S", bound="EnvSettings")


class SettingsError(RuntimeError):
    """The function is misconfigured: it cannot start."""


class EnvSettings(BaseModel):
    """Field `table_name` reads `TABLE_NAME`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_env(cls: type[S], env: dict[str, str] | None = None) -> S:
        source: Any = os.environ if env is None else env
        values = {name: source[name.upper()] for name in cls.model_fields if name.upper() in source}
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise SettingsError(f"{cls.__name__}: {error}") from error


class StoreSettings(EnvSettings):
    table_name: str
    bucket_name: str
    event_bus_name: str
    allow_loopback: bool = False
    max_input_bytes: int = 20 * 1024 * 1024
    max_output_bytes: int = 200 * 1024 * 1024


class QueueSettings(EnvSettings):
    product_queue_url: str


class WorkflowSettings(EnvSettings):
    state_machine_arn: str


class VendorSettings(EnvSettings):
    vendor_secret_name: str
    public_api_url: str
    creativeai_base_url: str = "https://api.creativeai.run"
    adcreator_base_url: str = "https://adcreator.ai"
    adcreative_base_url: str = "https://api.adcreative.ai"
    adsumo_base_url: str = "https://www.adsumo.ai"
    vendor_timeout_seconds: float = 30.0


class PollSettings(EnvSettings):
    """`webhook_wait_seconds` and `poll_initial_seconds` are ceilings: each vendor's declared timings set the wait
    below them (domain/capabilities.py `Timings`). `timing_scale` multiplies those timings (local stack only)."""

    webhook_wait_seconds: int = 180
    poll_initial_seconds: int = 10
    poll_max_seconds: int = 300
    job_deadline_seconds: int = 3600
    timing_scale: float = Field(default=1.0, gt=0)
