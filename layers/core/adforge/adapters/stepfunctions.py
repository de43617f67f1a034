"""The per-job Step Functions execution: start it once, resume it from a webhook."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from adforge.domain.models import Job

_GONE = {"TaskDoesNotExist", "TaskTimedOut", "InvalidToken"}


class StepFunctionsWorkflow:
    """`Workflow` over a boto3 Step Functions client; executions are named by job id."""

    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn

    def start(self, job: Job) -> None:
        with contextlib.suppress(self._client.exceptions.ExecutionAlreadyExists):  # the same job started twice is one execution
            self._client.start_execution(stateMachineArn=self._arn, name=job.id, input=json.dumps({"job_id": job.id}))

    def stop(self, job: Job, reason: str) -> None:
        arn = self._arn.replace(":stateMachine:", ":execution:") + f":{job.id}"
        with contextlib.suppress(self._client.exceptions.ExecutionDoesNotExist):  # never started: nothing to stop
            self._client.stop_execution(executionArn=arn, error="JobCancelled", cause=reason[:256])


class StepFunctionsTasks:
    """`TaskResumer` over a boto3 Step Functions client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(outcome))
        except Exception as error:  # botocore raises per-code subclasses of ClientError
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code in _GONE:
                return False
            raise
        return True
