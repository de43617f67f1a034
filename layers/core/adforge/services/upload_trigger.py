"""A product photo dropped under `tenants/<tenant>/incoming/` becomes a job, once per object version.

The recipe comes from the object's metadata (`x-amz-meta-recipe`: a JSON job request without an
image), else from the tenant's default recipe; with neither, nothing is made (and the log says why).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest
from adforge.ports.jobs import JobAlreadyExists
from adforge.services.intake import JobIntake

log = logging.getLogger(__name__)
INCOMING = re.compile(r"^tenants/(?P<tenant>[A-Za-z0-9_-]{1,128})/incoming/[^/].*$")


def job_id_for(bucket: str, key: str, version: str) -> str:
    """The same object version always names the same job."""
    return "job_" + hashlib.sha256(f"{bucket}/{key}#{version}".encode()).hexdigest()[:32]


@dataclass
class UploadTrigger:
    intake: JobIntake
    object_metadata: Callable[[str, str | None], Mapping[str, str]]  # (key, version) -> user metadata
    default_recipe: Callable[[str], dict[str, Any] | None]  # tenant -> recipe

    def handle(self, detail: Mapping[str, Any]) -> str | None:
        """The job id made (or already made) for this S3 "Object Created" detail, or None when none is due."""
        bucket, obj = detail["bucket"]["name"], detail["object"]
        key, version = str(obj["key"]), obj.get("version-id")
        match = INCOMING.match(key)
        if match is None:
            return None  # outputs, uploads for API jobs, anything else: not a trigger
        tenant = match["tenant"]
        recipe = self._recipe(tenant, key, version)
        if recipe is None:
            log.warning("no recipe for %s (no object metadata, no tenant default): no job", key)
            return None
        job_id = job_id_for(bucket, key, str(version or obj.get("eTag", "")))
        try:
            request = JobRequest.model_validate({**recipe, "image": {"key": key}})
            return self.intake.create(tenant, request, job_id=job_id).id
        except JobAlreadyExists:
            return job_id  # this object version was handled already
        except (ValidationError, InputRejected) as error:
            log.warning("upload %s not usable: %s", key, error)
            return None

    def _recipe(self, tenant: str, key: str, version: str | None) -> dict[str, Any] | None:
        raw = self.object_metadata(key, version).get("recipe")
        if raw:
            try:
                recipe = json.loads(raw)
            except ValueError:
                log.warning("object %s has a recipe that is not JSON", key)
                return None
            return recipe if isinstance(recipe, dict) else None
        return self.default_recipe(tenant)
