import base64
import copy
import json
import socket
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.adapters.standard_webhooks import StandardWebhooksSigner
from adforge.adapters.webhook_sender import WebhookSender
from adforge.domain.events import event_detail
from adforge.domain.models import Job, JobRequest
from adforge.services.outbound_notifications import DeliveryFailed, DeliveryReport, OutboundNotifier

EVENT = json.loads((Path(__file__).resolve().parents[2] / "events" / "notifier.json").read_text())
SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
MESSAGE_ID = "msg_job_0123456789abcdef0123456789abcdef_completed"


class Secrets:
    def secret_for(self, tenant_id: str) -> str:
        return {"acme": SECRET}[tenant_id]


class Script:
    """An httpx.MockTransport answering from a script (statuses, (status, headers) or errors to raise); records requests."""

    def __init__(self, *answers: int | tuple[int, dict[str, str]] | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(b""))  # streamed, like a network answer

    def ids(self) -> set[str]:
        return {request.headers["webhook-id"] for request in self.requests}


def event(**detail_changes) -> dict:
    changed = copy.deepcopy(EVENT)
    changed["detail"].update(detail_changes)
    return changed


def notifier(script: Script, sleeps: list[float], jitter=lambda: 1.0, clock=time.time) -> OutboundNotifier:
    sender = WebhookSender(DestinationGuard(), transport=script.transport)
    return OutboundNotifier(
        sender=sender, secrets=Secrets(), signer=StandardWebhooksSigner(), clock=clock, sleep=sleeps.append, random=jitter
    )


def verified(request: httpx.Request) -> dict:
    """The payload, if the Standard Webhooks reference library accepts the delivery."""
    return Webhook(SECRET).verify(request.content, dict(request.headers))


def test_the_sample_event_carries_what_event_detail_produces():
    job = Job(id="job_1", tenant_id="acme", request=JobRequest(prompt="red mug"), vendor_requested="auto")
    assert set(EVENT["detail"]) == set(event_detail(job))
    assert (EVENT["source"], EVENT["detail-type"]) == ("adforge.jobs", "Job Completed")


def test_a_delivery_verifies_with_the_reference_library():
    script, sleeps = Script(200), []
    report = notifier(script, sleeps).notify(EVENT)
    assert report == DeliveryReport("delivered", MESSAGE_ID, attempts=1, status=200)
    [request] = script.requests
    assert (request.method, str(request.url)) == ("POST", "https://hooks.acme.example/adforge")
    assert request.headers["content-type"] == "application/json"
    data = {name: value for name, value in EVENT["detail"].items() if name != "webhook_url"}
    assert verified(request) == {"type": "job.completed", "timestamp": EVENT["time"], "data": data}
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another tenant's secret 32 bytes").decode()).verify(
            request.content, dict(request.headers)
        )


def test_a_failed_job_is_its_own_message():
    script = Script(200)
    failed = event(status="failed", assets=[], error={"code": "generation_failed", "message": "the vendor reported a failure"})
    failed["detail-type"] = "Job Failed"
    assert notifier(script, []).notify(failed).message_id == "msg_job_0123456789abcdef0123456789abcdef_failed"
    assert verified(script.requests[0])["type"] == "job.failed"


def test_the_id_and_body_stay_the_same_across_retries_and_redeliveries():
    script, sleeps = Script(503, 500, 200, 200), []
    ticks = iter(range(int(time.time()), int(time.time()) + 100, 7))
    sender = notifier(script, sleeps, clock=lambda: next(ticks))
    assert sender.notify(EVENT).attempts == 3
    assert sender.notify({**EVENT, "id": "0f4b8c1e-duplicate-delivery"}).attempts == 1  # same outcome, another bus event
    assert script.ids() == {MESSAGE_ID}
    assert len({request.content for request in script.requests}) == 1
    assert len({request.headers["webhook-timestamp"] for request in script.requests}) == 4  # each attempt signed afresh
    for request in script.requests:
        verified(request)


@pytest.mark.parametrize(
    ("draws", "expected"),
    [([1.0, 1.0, 1.0], [1.0, 2.0, 4.0]), ([0.25, 0.25, 0.25], [0.25, 0.5, 1.0]), ([0.9, 0.1, 0.5], [0.9, 0.2, 2.0])],
)
def test_backoff_grows_with_full_jitter_then_the_platform_takes_over(draws, expected):
    script, sleeps = Script(*[503] * 4), []
    with pytest.raises(DeliveryFailed) as failure:
        notifier(script, sleeps, jitter=iter(draws).__next__).notify(EVENT)
    assert sleeps == pytest.approx(expected)
    assert len(script.requests) == 4
    assert (failure.value.message_id, failure.value.attempts) == (MESSAGE_ID, 4)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_answers_are_retried_and_delivered_once(status):
    script, sleeps = Script(status, 200), []
    assert notifier(script, sleeps).notify(EVENT) == DeliveryReport("delivered", MESSAGE_ID, attempts=2, status=200)
    assert len(script.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize(
    "answer",
    [400, 401, 404, 410, 422, (301, {"location": "https://elsewhere.example/"}), (307, {"location": "/moved"})],
)
def test_other_client_errors_and_redirects_are_final(answer):
    script, sleeps = Script(answer), []
    report = notifier(script, sleeps).notify(EVENT)
    status = answer if isinstance(answer, int) else answer[0]
    assert report == DeliveryReport("rejected", MESSAGE_ID, attempts=1, status=status, reason=f"answered {status}")
    assert (len(script.requests), sleeps) == (1, [])


def test_retry_after_in_seconds_is_honoured():
    script, sleeps = Script((429, {"retry-after": "3"}), 200), []
    assert notifier(script, sleeps).notify(EVENT).outcome == "delivered"
    assert sleeps == [3.0]


def test_retry_after_as_a_date_is_honoured():
    now = float(int(time.time()))
    script, sleeps = Script((503, {"retry-after": formatdate(now + 6, usegmt=True)}), 200), []
    assert notifier(script, sleeps, clock=lambda: now).notify(EVENT).outcome == "delivered"
    assert sleeps == [6.0]


def test_a_retry_after_beyond_the_bound_leaves_the_retry_to_the_platform():
    script, sleeps = Script((429, {"retry-after": "3600"})), []
    with pytest.raises(DeliveryFailed, match="answered 429"):
        notifier(script, sleeps).notify(EVENT)
    assert (len(script.requests), sleeps) == (1, [])


def test_network_errors_are_retried():
    script, sleeps = Script(httpx.ConnectError("connection refused"), httpx.ReadTimeout("slow"), 204), []
    assert notifier(script, sleeps).notify(EVENT) == DeliveryReport("delivered", MESSAGE_ID, attempts=3, status=204)
    assert script.ids() == {MESSAGE_ID}


def test_persistent_network_errors_end_in_delivery_failed():
    script = Script(*[httpx.ConnectError("connection refused") for _ in range(4)])
    with pytest.raises(DeliveryFailed, match="ConnectError"):
        notifier(script, []).notify(EVENT)
    assert len(script.requests) == 4


@pytest.mark.parametrize("changes", [{"webhook_url": None}, {"webhook_url": ""}])
def test_no_webhook_url_sends_nothing(changes):
    script = Script()
    assert notifier(script, []).notify(event(**changes)) == DeliveryReport("skipped", reason="no webhook_url")
    assert script.requests == []


def test_events_other_than_finished_jobs_send_nothing():
    script = Script()
    assert notifier(script, []).notify({**EVENT, "detail-type": "Job Submitted"}).outcome == "skipped"
    assert script.requests == []


@pytest.fixture
def no_connections(monkeypatch):
    attempts: list[tuple] = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: attempts.append(args))
    yield attempts
    assert attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://10.0.0.7/hooks",
        "https://192.168.1.20:8443/hooks",
        "https://[::ffff:172.16.0.1]/hooks",
        "https://127.0.0.1/hooks",
        "http://127.0.0.1:8080/hooks",
    ],
)
def test_private_and_metadata_destinations_are_refused_without_connecting(url, no_connections):
    sleeps: list[float] = []
    sender = OutboundNotifier(
        WebhookSender(DestinationGuard()), Secrets(), StandardWebhooksSigner(), time.time, sleeps.append, lambda: 1.0
    )
    report = sender.notify(event(webhook_url=url))
    assert (report.outcome, report.attempts, sleeps) == ("refused", 1, [])


@pytest.mark.parametrize("url", ["http://hooks.example/adforge", "https://user:pw@hooks.example/adforge", "ftp://hooks.example/"])
def test_only_https_urls_without_credentials_are_posted_to(url, no_connections):
    public = DestinationGuard(resolver=lambda host, port: ["93.184.216.34"])
    assert WebhookSender(public).post(url, b"{}", {}).refused


@pytest.mark.parametrize("url", ["https://169.254.169.254/latest/meta-data/", "http://10.0.0.7/hooks"])
def test_the_local_stack_still_refuses_metadata_and_private_addresses(url, no_connections):
    assert WebhookSender(DestinationGuard(allow_loopback=True)).post(url, b"{}", {}).refused


def test_at_most_a_few_kilobytes_of_the_answer_are_read():
    sent: list[int] = []

    def endless_body():
        for index in range(1000):
            sent.append(index)
            yield b"x" * 1024

    result = WebhookSender(
        DestinationGuard(), transport=httpx.MockTransport(lambda request: httpx.Response(200, content=endless_body()))
    ).post("https://hooks.example/", b"{}", {})
    assert result.status == 200
    assert len(sent) <= 5


class _Receiver(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.answers: list[int] = []
        self.received: list[tuple[str, dict[str, str], bytes]] = []


class _Hook(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append((self.path, dict(self.headers), body))
        status = self.server.answers.pop(0)
        self.send_response(status)
        if status == 307:
            self.send_header("Location", "/moved")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = _Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def loopback_notifier(sleeps: list[float]) -> OutboundNotifier:
    return OutboundNotifier(
        WebhookSender(DestinationGuard(allow_loopback=True), timeout=5),
        Secrets(),
        StandardWebhooksSigner(),
        time.time,
        sleeps.append,
        lambda: 0.5,
    )


def test_end_to_end_over_loopback_with_a_retry(receiver):
    receiver.answers = [503, 204]
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks/adforge"
    report = loopback_notifier(sleeps).notify(event(webhook_url=url))
    assert report == DeliveryReport("delivered", MESSAGE_ID, attempts=2, status=204)
    assert sleeps == [0.5]
    assert [path for path, _, _ in receiver.received] == ["/hooks/adforge"] * 2
    for _, headers, body in receiver.received:
        assert Webhook(SECRET).verify(body, headers)["data"]["job_id"] == EVENT["detail"]["job_id"]
        assert headers["webhook-id"] == MESSAGE_ID


def test_end_to_end_a_redirect_is_not_followed(receiver):
    receiver.answers = [307]
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks/adforge"
    report = loopback_notifier([]).notify(event(webhook_url=url))
    assert (report.outcome, report.status) == ("rejected", 307)
    assert [path for path, _, _ in receiver.received] == ["/hooks/adforge"]


@pytest.mark.parametrize(
    ("detail_type", "status", "kind"),
    [("Job Cancelled", "cancelled", "job.cancelled"), ("Job Timed Out", "timed_out", "job.timed_out")],
)
def test_cancelled_and_timed_out_jobs_are_delivered_too(detail_type, status, kind):
    script = Script(200)
    ended = event(status=status, assets=[], error={"code": status, "message": "ended"})
    ended["detail-type"] = detail_type
    assert notifier(script, []).notify(ended).outcome == "delivered"
    assert verified(script.requests[0])["type"] == kind
