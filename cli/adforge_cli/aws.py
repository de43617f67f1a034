"""The stack's JobsTable as the operator reaches it: boto3's default credential chain, AWS errors as exit codes.

Credentials come from wherever boto3 finds them (environment, `--profile` / AWS_PROFILE, SSO, an instance or
task role); the table's IAM policy decides what they may do. AWS_ENDPOINT_URL (honoured by boto3 itself)
points every call at the local stack's moto server instead. boto3 is imported only when a command opens the
table, so the API commands do not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer

from adforge_cli.state import Exit, State

# Refusals that a later try may not meet: botocore has already retried these (its retry mode's attempts).
THROTTLED = frozenset({"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded"})


def exit_for(status: int, code: str) -> Exit:
    """The exit code of an AWS refusal: unavailable (7) for 5xx and throttling, refused (3) for the other 4xx."""
    return Exit.UNAVAILABLE if status >= 500 or code in THROTTLED else Exit.REFUSED


@dataclass(frozen=True)
class TableTarget:
    """Which table, and the region / named profile for the session (None: boto3's defaults)."""

    name: str
    region: str | None = None
    profile: str | None = None


@contextmanager
def opened(state: State, target: TableTarget) -> Iterator[Any]:
    """The boto3 Table resource for one command; an AWS error becomes its printed refusal and exit code."""
    if not target.name:
        state.err.print("[red]set ADFORGE_TABLE (or --table) to the stack's JobsTable name[/red]")
        raise typer.Exit(Exit.USAGE)
    import boto3
    from botocore import exceptions as aws

    # local set-up the operator must fix, as a missing API URL is for the API commands: a usage error (exit 2)
    unconfigured = (aws.NoCredentialsError, aws.PartialCredentialsError, aws.NoRegionError, aws.ProfileNotFound)

    region = target.region
    try:
        session = boto3.Session(profile_name=target.profile, region_name=target.region)
        region = session.region_name
        yield session.resource("dynamodb").Table(target.name)
    except aws.ClientError as error:
        meta = error.response.get("ResponseMetadata", {})
        status, code = int(meta.get("HTTPStatusCode") or 0), str(error.response.get("Error", {}).get("Code", "ClientError"))
        message = str(error.response.get("Error", {}).get("Message") or error)
        if code == "ResourceNotFoundException":
            message += f" (table {target.name} in {region or 'no region'})"
        raise state.refuse(code, message, exit_for(status, code), status=status, request_id=meta.get("RequestId")) from error
    except aws.BotoCoreError as error:
        exit_code = Exit.USAGE if isinstance(error, unconfigured) else Exit.UNAVAILABLE
        raise state.refuse(type(error).__name__, str(error), exit_code) from error
