import json

import boto3
import pytest

from adforge.adapters.eventbridge import EventBridgePublisher, EventPublishFailed
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobRequest


def job() -> Job:
    return Job(
        id="job_1", tenant_id="acme", request=JobRequest(prompt="red mug"), vendor_requested="auto", task_token="secret-token"
    )


def test_events_reach_the_bus_without_internal_fields(aws):
    events, sqs = boto3.client("events"), boto3.client("sqs")
    events.create_event_bus(Name="jobs")
    queue = sqs.create_queue(QueueName="tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName="jobs", EventPattern=json.dumps({"source": ["adforge.jobs"]}))
    events.put_targets(Rule="all", EventBusName="jobs", Targets=[{"Id": "q", "Arn": arn}])
    EventBridgePublisher(events, "jobs").publish(JobEvent.CREATED, job())
    body = json.loads(sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"])
    assert (body["detail-type"], body["detail"]["job_id"], body["detail"]["status"]) == ("Job Created", "job_1", "queued")
    assert "secret-token" not in json.dumps(body)


class _PartialFailure:
    def put_events(self, Entries):
        return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try later"}]}


def test_a_failed_entry_is_an_error_not_a_silent_loss():
    with pytest.raises(EventPublishFailed, match="InternalFailure"):
        EventBridgePublisher(_PartialFailure(), "jobs").publish(JobEvent.COMPLETED, job())
