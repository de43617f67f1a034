"""Job records in DynamoDB: one item per job, every write conditional on the version read."""

from __future__ import annotations

import base64
import json
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from adforge.domain.errors import JobNotFound, TransitionRejected
from adforge.domain.models import Job, VendorAttempt, utcnow
from adforge.domain.status import JobStatus
from adforge.ports.jobs import InvalidCursor, JobAlreadyExists

RETENTION_SECONDS = 90 * 24 * 3600
MAX_SETTLE_TRIES = 5


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps({k: str(v) for k, v in key.items()}).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError as error:
        raise InvalidCursor("the cursor is not one this API issued") from error
    if not isinstance(value, dict) or set(value) != {"pk", "tenant_id", "created_at"}:
        raise InvalidCursor("the cursor is not one this API issued")
    return value


def job_key(job_id: str) -> dict[str, str]:
    return {"pk": f"JOB#{job_id}"}


def _is_conditional_failure(error: ClientError) -> bool:
    return bool(error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


class DynamoDBJobRepository:
    """`JobRepository` over a boto3 DynamoDB Table resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def create(self, job: Job) -> None:
        try:
            self._table.put_item(Item=self._item(job), ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if _is_conditional_failure(error):
                raise JobAlreadyExists(f"job {job.id} already exists") from error
            raise

    def get(self, job_id: str) -> Job:
        item = self._table.get_item(Key=job_key(job_id), ConsistentRead=True).get("Item")
        if item is None:
            raise JobNotFound(job_id)
        return Job.model_validate_json(str(item["doc"]))

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job:
        return self._write(job, job.moved(target, **changes))

    def amend(self, job: Job, **changes: Any) -> Job:
        return self._write(job, job.amended(**changes))

    def settle_attempt(self, job_id: str, attempt: VendorAttempt) -> Job:
        for _ in range(MAX_SETTLE_TRIES):
            job = self.get(job_id)
            try:
                return self._write(job, job.with_attempt_settled(attempt))
            except TransitionRejected:
                continue  # another writer got in first: read again
        raise TransitionRejected(job_id, job.status, job.status, f"attempt not recorded after {MAX_SETTLE_TRIES} tries")

    def _write(self, job: Job, updated: Job) -> Job:
        """`updated` (the domain's next version of `job`) over exactly `job`'s version."""
        try:
            self._table.put_item(
                Item=self._item(updated),
                ConditionExpression="#v = :v",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":v": job.version},
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise
            current = self.get(job.id)
            reason = "job already finished" if current.is_finished else f"stale version {job.version} (now {current.version})"
            raise TransitionRejected(job.id, current.status, updated.status, reason) from error
        return updated

    def list_for_tenant(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        query: dict[str, Any] = {
            "IndexName": "ByTenant",
            "KeyConditionExpression": Key("tenant_id").eq(tenant_id),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            start = decode_cursor(cursor)
            if start.get("tenant_id") != tenant_id:
                raise InvalidCursor("the cursor does not belong to this listing")
            query["ExclusiveStartKey"] = start
        page = self._table.query(**query)
        jobs = [Job.model_validate_json(str(item["doc"])) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return jobs, encode_cursor(last) if last else None

    def link_vendor_job(self, vendor: str, vendor_job_id: str, job_id: str) -> None:
        item = {
            "pk": f"VREF#{vendor}#{vendor_job_id}",
            "job_id": job_id,
            "expires_at": int(utcnow().timestamp()) + RETENTION_SECONDS,
        }
        self._table.put_item(Item=item)

    def job_for_vendor_job(self, vendor: str, vendor_job_id: str) -> str | None:
        item = self._table.get_item(Key={"pk": f"VREF#{vendor}#{vendor_job_id}"}, ConsistentRead=True).get("Item")
        return str(item["job_id"]) if item else None

    @staticmethod
    def _item(job: Job) -> dict[str, Any]:
        return {
            **job_key(job.id),
            "tenant_id": job.tenant_id,
            "created_at": job.created_at.isoformat(),
            "status": job.status.value,
            "version": job.version,
            "doc": job.model_dump_json(),
            "expires_at": int(job.created_at.timestamp()) + RETENTION_SECONDS,
        }
