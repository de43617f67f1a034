"""Every vendor is a row of the product: a job sent to it completes end to end against its sandbox."""

import pytest

from adforge.domain.media import sniff
from adforge_local.bench_scale import generation_ids
from tests.e2e.conftest import finish, stored, submit

pytestmark = pytest.mark.e2e

# vendor -> (request fields, outputs expected, sandbox, has webhooks)
CASES = {
    # text-to-image of one: its signed webhook (a photo is edited and answered at once, N images are polled:
    # test_pipeline.py covers both, and N videos in one batch)
    "creativeai": ({"aspect_ratios": ["1:1"], "image": None}, 1, "creativeai", True),
    "adcreator": ({"aspect_ratios": ["1:1"], "count": 2}, 2, "adcreator", False),
    "adsumo": ({"aspect_ratios": ["16:9"], "count": 2}, 2, "adsumo", False),
    "adcreative_stock": ({"aspect_ratios": ["9:16"], "image": None}, 1, "adcreative", True),
}


def test_photoshoot_is_offered_only_the_ratios_collect_crops_its_renders_to(acme):
    """Its documented outputs (1200x628, 1674x628) are cropped to 16:9 / 21:9; a square is refused up front."""
    answer = acme.api.post("/v1/jobs", json={"prompt": "a red mug", "vendor": "adcreative_photoshoot", "aspect_ratios": ["1:1"]})
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "vendor_cannot_serve")


def assert_real_creatives(stack, job, expected):
    assert job["status"] == "completed", job["error"]
    assert len(job["assets"]) == expected
    s3 = stack.client("s3")
    for asset in job["assets"]:
        body = s3.get_object(Bucket=stack.bucket, Key=asset["key"])["Body"].read()
        assert sniff(body) == asset["content_type"] and len(body) == asset["size"]


@pytest.mark.parametrize("vendor", sorted(CASES))
def test_a_job_completes_at_each_vendor(stack, acme, vendor):
    fields, expected, _, _ = CASES[vendor]
    job_id = submit(acme, vendor=vendor, **fields)
    job = finish(stack, acme, job_id)
    assert (job["vendor_requested"], job["vendor"]) == (vendor, vendor)
    assert_real_creatives(stack, job, expected)


@pytest.mark.parametrize("vendor", sorted(v for v, case in CASES.items() if case[3]))
def test_with_the_webhook_dropped_polling_completes_the_job(stack, acme, vendor):
    fields, expected, sandbox, _ = CASES[vendor]
    stack.sandboxes[sandbox].set_faults(drop_webhooks=True)
    job_id = submit(acme, vendor=vendor, **fields)
    job = finish(stack, acme, job_id)
    assert_real_creatives(stack, job, expected)
    (generation,) = generation_ids(stored(stack, job_id)["vendor_job_id"])  # the vendor's own id (AdCreative: of <id>@<user>)
    assert stack.sandboxes[sandbox].polls[generation] >= 1


def test_auto_fails_over_to_the_next_capable_vendor(stack, acme):
    stack.creativeai.set_faults(error_status=503)  # the cheapest capable vendor is down
    job_id = submit(acme, aspect_ratios=["1:1"])
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    assert (job["vendor_requested"], job["vendor"]) == ("auto", "adsumo")
    assert [(a["vendor"], a["outcome"]) for a in job["attempts"]] == [
        ("creativeai", "failed"),
        ("creativeai", "failed"),
        ("adsumo", "completed"),
    ]


def test_a_request_no_vendor_can_serve_is_refused_before_anything_is_spent(stack, acme):
    answer = acme.api.post("/v1/jobs", json={"prompt": "a red mug", "kind": "video", "aspect_ratios": ["4:5"]})
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "no_capable_vendor")
    assert all(not sandbox.stats for sandbox in stack.sandboxes.values())


def test_vendors_endpoint_lists_capabilities_and_health(stack, acme):
    vendors = acme.api.get("/v1/vendors").json()["vendors"]
    by_name = {v["name"]: v for v in vendors}
    assert set(by_name) == {*CASES, "adcreative_photoshoot"}
    assert by_name["adcreative_photoshoot"]["aspect_ratios"] == ["16:9", "21:9"]  # 1200x628 / 1674x628, cropped
    assert by_name["creativeai"]["kinds"] == ["image", "video"] and by_name["creativeai"]["webhooks"] is True
    # its sizes are 1024x1024, 1536x1024, 1024x1536: the nearest is rendered and cropped to the ratio
    assert by_name["creativeai"]["aspect_ratios"] == sorted(["1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "21:9"])
    assert (by_name["creativeai"]["cost_per_output_usd"], by_name["creativeai"]["video_cost_per_output_usd"]) == (0.04, 0.6)
    assert by_name["adcreative_stock"]["uses_product_image"] is False
    costs = [v["cost_per_output_usd"] for v in vendors]
    assert costs == sorted(costs)
