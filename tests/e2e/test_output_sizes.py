"""Every declared aspect ratio of every image vendor yields stored images of exactly that ratio.

Each vendor renders at the size its doc gives for the request (its sandbox does the same); Collect crops the image
to the requested ratio. The stored object is decoded: its real pixel size must be exactly the ratio and equal the
size the asset records, and a cropped asset records the vendor's native size it was cut from.
"""

import io

import pytest
from PIL import Image

from adforge.domain.framing import is_exactly
from adforge.domain.models import JobKind
from adforge.vendors.catalog import CAPABILITIES
from tests.e2e.conftest import SAMPLE, finish, submit

pytestmark = pytest.mark.e2e


def image_vendor_ratios() -> list[tuple[str, str]]:
    return sorted(
        (name, ratio) for name, vendor in CAPABILITIES.items() if JobKind.IMAGE in vendor.kinds for ratio in vendor.aspect_ratios
    )


def request_for(vendor: str, ratio: str) -> dict:
    capabilities = CAPABILITIES[vendor]
    fields: dict = {"vendor": vendor, "aspect_ratios": [ratio]}
    if not capabilities.uses_product_image:
        fields["image"] = None
    return fields


def test_every_image_vendor_declares_ratios_to_check():
    pairs = image_vendor_ratios()
    assert {vendor for vendor, _ in pairs} == {name for name, v in CAPABILITIES.items() if JobKind.IMAGE in v.kinds}
    assert set(pairs) >= CROPPED


@pytest.mark.parametrize(("vendor", "ratio"), image_vendor_ratios())
def test_each_declared_ratio_is_delivered_exactly(stack, acme, vendor, ratio):
    job = finish(stack, acme, submit(acme, **request_for(vendor, ratio)))
    assert job["status"] == "completed", job["error"]
    assert job["assets"]
    s3 = stack.client("s3")
    for asset in job["assets"]:
        body = s3.get_object(Bucket=stack.bucket, Key=asset["key"])["Body"].read()
        with Image.open(io.BytesIO(body)) as picture:
            real = picture.size
        assert real == (asset["width"], asset["height"]), asset
        assert is_exactly(*real, ratio), real
        if (vendor, ratio) in CROPPED:  # the vendor's documented size for the request is another ratio
            native = (asset["native_width"], asset["native_height"])
            assert not is_exactly(*native, ratio) and real[0] <= native[0] and real[1] <= native[1], asset
        elif asset["native_width"] is not None:
            assert not is_exactly(asset["native_width"], asset["native_height"], ratio), asset


# requests whose documented render is not the ratio: CreativeAI's 1536x1024 / 1024x1536, Photoshoot's two sizes
CROPPED = {
    *(("creativeai", ratio) for ratio in ("4:5", "3:4", "4:3", "16:9", "9:16", "21:9")),
    ("adcreative_photoshoot", "16:9"),
    ("adcreative_photoshoot", "21:9"),
}


def test_a_webp_photo_is_converted_for_a_vendor_that_takes_only_jpeg_or_png(stack, acme):
    """CreativeAI's image-to-video `image_url` is "a JPEG or PNG image" (its sandbox refuses a WebP): the photo is
    converted once before it is sent, and the copy is gone when the job ended."""
    out = io.BytesIO()
    with Image.open(SAMPLE) as sample:
        sample.save(out, format="WEBP")
    key = f"tenants/{acme.id}/uploads/product.webp"
    s3 = stack.client("s3")
    s3.put_object(Bucket=stack.bucket, Key=key, Body=out.getvalue(), ContentType="image/webp")
    job_id = submit(acme, vendor="creativeai", kind="video", aspect_ratios=["16:9"], image={"key": key})
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed", job["error"]
    left = s3.list_objects_v2(Bucket=stack.bucket, Prefix=f"tenants/{acme.id}/jobs/{job_id}/").get("Contents", [])
    assert [obj["Key"] for obj in left] == [asset["key"] for asset in job["assets"]]  # no converted copy left
    assert s3.head_object(Bucket=stack.bucket, Key=key)["ContentLength"] == len(out.getvalue())  # the merchant's own


def counted_vendors() -> list[str]:
    return sorted(name for name, vendor in CAPABILITIES.items() if JobKind.IMAGE in vendor.kinds and vendor.max_count > 1)


@pytest.mark.parametrize("vendor", counted_vendors())
def test_a_count_of_n_yields_n_assets(stack, acme, vendor):
    """N generations, N edits, or (Photoshoot, which always renders 6) the first N of them: N assets, no more."""
    ratio = sorted(CAPABILITIES[vendor].aspect_ratios)[0]
    count = min(3, CAPABILITIES[vendor].max_count)
    job = finish(stack, acme, submit(acme, count=count, **request_for(vendor, ratio)))
    assert job["status"] == "completed", job["error"]
    assert len({asset["key"] for asset in job["assets"]}) == len(job["assets"]) == count
