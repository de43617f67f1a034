"""The job request's options end to end: a transparent image is an RGBA PNG, a video is as long as asked, a vendor
that does not document an option is refused up front, and GET /v1/vendors shows who takes what at which price."""

from typing import Any

import pytest

from adforge_local.sandboxes.png import mp4_seconds
from tests.e2e.conftest import finish, submit

pytestmark = pytest.mark.e2e

PNG_RGB, PNG_RGBA = 2, 6  # IHDR colour types


def stored_asset(stack, job: dict[str, Any], index: int = 0) -> bytes:
    assert job["status"] == "completed", job["error"]
    body = stack.client("s3").get_object(Bucket=stack.bucket, Key=job["assets"][index]["key"])["Body"].read()
    assert isinstance(body, bytes)
    return body


def png_colour_type(data: bytes) -> int:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return data[25]


def test_a_transparent_background_on_creativeai_is_an_rgba_png(stack, acme):
    transparent = submit(acme, vendor="creativeai", image=None, background="transparent")
    opaque = submit(acme, vendor="creativeai", image=None)
    jobs = [finish(stack, acme, job_id) for job_id in (transparent, opaque)]
    assert jobs[0]["request"]["background"] == "transparent" and jobs[0]["assets"][0]["content_type"] == "image/png"
    assert [png_colour_type(stored_asset(stack, job)) for job in jobs] == [PNG_RGBA, PNG_RGB]


def test_a_video_reaches_the_sandbox_with_its_duration(stack, acme):
    job_id = submit(acme, vendor="creativeai", kind="video", aspect_ratios=["9:16"], video={"duration_seconds": 12})
    job = finish(stack, acme, job_id)
    assert job["assets"][0]["content_type"] == "video/mp4"
    assert mp4_seconds(stored_asset(stack, job)) == 12.0  # the movie header of what the sandbox rendered


def test_an_option_a_named_vendor_does_not_document_is_refused_before_anything_is_spent(stack, acme):
    for vendor, fields, says in (
        ("adsumo", {"background": "transparent", "image": None}, "adsumo documents no transparent background"),
        ("creativeai", {"background": "transparent", "image": {"key": acme.upload_key}}, "without a product image"),
        ("creativeai", {"kind": "video", "video": {"duration_seconds": 2}}, "takes 3-15 seconds"),
    ):
        answer = acme.api.post("/v1/jobs", json={"prompt": "a red mug", "vendor": vendor, **fields})
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "vendor_cannot_serve"), answer.text
        assert says in answer.json()["error"]["message"]
    assert all(not sandbox.stats for sandbox in stack.sandboxes.values())


def test_auto_sends_a_negative_prompt_only_where_it_is_documented(stack, acme):
    job = finish(stack, acme, submit(acme, negative_prompt="blurry, text", image=None))
    assert (job["status"], job["vendor"]) == ("completed", "adcreator")  # creativeai and adsumo are cheaper


def test_vendors_show_their_options_and_a_price_per_kind(acme):
    by_name = {v["name"]: v for v in acme.api.get("/v1/vendors").json()["vendors"]}
    creativeai = by_name["creativeai"]
    assert creativeai["prices_usd"] == {"image": 0.04, "video": 0.6}
    assert creativeai["options"]["background"] == ["auto", "transparent"]
    assert creativeai["options"]["video_duration_seconds"] == {"min": 3, "max": 15}
    assert creativeai["options"]["video_resolutions"] == ["480p", "720p", "1080p"]
    assert (by_name["adcreator"]["options"]["preset"], by_name["adcreator"]["options"]["negative_prompt"]) == (True, True)
    assert all(v["prices_usd"].keys() == set(v["kinds"]) for v in by_name.values())
