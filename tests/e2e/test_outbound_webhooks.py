"""A finished job is POSTed to its webhook_url, signed per Standard Webhooks (verified with the library itself)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from tests.e2e.conftest import finish, submit

pytestmark = pytest.mark.e2e


@pytest.fixture
def merchant_endpoint():
    received: list[tuple[bytes, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        answers = [503]  # the first delivery fails: the notifier retries with the same webhook-id

        def do_POST(self):
            received.append((self.rfile.read(int(self.headers["Content-Length"])), dict(self.headers.items())))
            status = Handler.answers.pop(0) if Handler.answers else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/adforge", received
    server.shutdown()


def test_the_job_webhook_url_receives_a_verifiable_delivery(stack, acme, merchant_endpoint):
    url, received = merchant_endpoint
    job_id = submit(acme, webhook_url=url, metadata={"sku": "MUG-1"})
    assert finish(stack, acme, job_id)["status"] == "completed"
    stack.wait_until(lambda: len(received) >= 2, timeout=15)
    verifier = Webhook(stack.webhook_secret("acme"))
    ids = set()
    for body, headers in received:
        payload = verifier.verify(body, {k.lower(): v for k, v in headers.items()})
        ids.add(headers["webhook-id"])
        assert (payload["type"], payload["data"]["job_id"], payload["data"]["status"]) == ("job.completed", job_id, "completed")
        assert payload["data"]["metadata"] == {"sku": "MUG-1"} and "webhook_url" not in payload["data"]
    assert len(ids) == 1  # the retry carried the same message id
    forged = dict(received[-1][1])
    forged["webhook-signature"] = "v1,AAAA"
    with pytest.raises(Exception, match="signature"):
        verifier.verify(received[-1][0], {k.lower(): v for k, v in forged.items()})


def test_no_webhook_url_no_delivery_and_other_tenants_secret_does_not_verify(stack, acme, globex, merchant_endpoint):
    url, received = merchant_endpoint
    finish(stack, acme, submit(acme))  # no webhook_url: the rule does not even match
    job_id = submit(globex, webhook_url=url, image=None)
    finish(stack, globex, job_id)
    stack.wait_until(lambda: len(received) >= 2, timeout=15)
    assert {json.loads(body)["data"]["job_id"] for body, _ in received} == {job_id}
    with pytest.raises(Exception, match="signature"):
        Webhook(stack.webhook_secret("acme")).verify(received[-1][0], {k.lower(): v for k, v in received[-1][1].items()})


def test_a_cancelled_job_is_delivered_to_its_webhook_url(stack, acme, merchant_endpoint):
    url, received = merchant_endpoint
    stack.creativeai.set_faults(never_finish=True)
    job_id = submit(acme, webhook_url=url, image=None)  # text-to-image: a photo edit would be answered at once
    stack.wait_until(lambda: acme.api.get(f"/v1/jobs/{job_id}").json()["status"] in ("submitted", "processing"))
    assert acme.api.post(f"/v1/jobs/{job_id}/cancel").status_code == 200
    stack.wait_until(lambda: len(received) >= 2, timeout=15)  # the first answer is a 503: redelivered
    verifier = Webhook(stack.webhook_secret("acme"))
    kinds = {verifier.verify(body, headers)["type"] for body, headers in received}
    assert kinds == {"job.cancelled"}
