"""The job request's options: validated at the edge, honoured only where a vendor documents them."""

import pytest
from pydantic import ValidationError

from adforge.api.views import vendor_list
from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest
from adforge.domain.routing import capable, ranked
from adforge.vendors.catalog import CAPABILITIES

EVERY = CAPABILITIES


def job(**fields) -> JobRequest:
    return JobRequest.model_validate({"prompt": "a red mug on marble", **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"background": "transparent", "image": None},
        {"negative_prompt": "x" * 500},
        {"preset": "studio-product"},
        {"kind": "video", "video": {"duration_seconds": 2, "resolution": "480p"}},
        {"kind": "video", "video": {"duration_seconds": 15}},
        {"kind": "video", "video": {}},
    ],
)
def test_options_in_their_documented_ranges_are_accepted(fields):
    assert job(**fields).model_dump(include=set(fields), exclude_none=True) == {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize(
    "fields",
    [
        {"background": "opaque"},
        {"background": "transparent", "kind": "video"},  # a transparent video is no documented thing
        {"negative_prompt": "x" * 501},
        {"negative_prompt": "   "},
        {"preset": ""},
        {"preset": "p" * 65},
        {"video": {"duration_seconds": 5}},  # video options on an image job
        {"kind": "video", "video": {"duration_seconds": 1}},
        {"kind": "video", "video": {"duration_seconds": 16}},
        {"kind": "video", "video": {"duration_seconds": "5"}},
        {"kind": "video", "video": {"duration_seconds": 5.0}},
        {"kind": "video", "video": {"duration_seconds": True}},
        {"kind": "video", "video": {"resolution": "4k"}},
        {"kind": "video", "video": {"fps": 30}},
    ],
)
def test_options_outside_their_ranges_are_refused(fields):
    with pytest.raises(ValidationError):
        job(**fields)


@pytest.mark.parametrize(
    ("fields", "only"),
    [
        ({"background": "transparent", "image": None}, {"creativeai"}),
        ({"negative_prompt": "blurry", "image": None}, {"adcreator"}),
        ({"preset": "studio-product", "image": None}, {"adcreator"}),  # photoshoot (presets too) renders no 1:1
        ({"kind": "video", "video": {"duration_seconds": 10, "resolution": "1080p"}}, {"creativeai"}),
    ],
)
def test_auto_routes_an_option_only_to_vendors_that_document_it(fields, only):
    assert {c.name for c in capable(job(**fields), EVERY)} == only
    assert [c.name for c in ranked(job(**fields), EVERY, {}, frozenset())] == sorted(only)


@pytest.mark.parametrize(
    ("vendor", "fields", "says"),
    [
        ("adsumo", {"background": "transparent", "image": None}, "adsumo documents no transparent background"),
        ("creativeai", {"background": "transparent", "image": {"key": "tenants/t/uploads/p.png"}}, "without a product image"),
        ("creativeai", {"preset": "studio-product"}, "creativeai has no style presets"),
        ("adcreative_stock", {"preset": "noir", "image": None}, "adcreative_stock has no style presets"),
        ("creativeai", {"negative_prompt": "blurry"}, "creativeai documents no negative prompt"),
        ("creativeai", {"kind": "video", "video": {"duration_seconds": 2}}, "takes 3-15 seconds, not 2"),
        ("creativeai", {"kind": "video", "count": 2, "video": {"resolution": "720p"}}, "up to 1 video"),
    ],
)
def test_a_named_vendor_refuses_an_option_it_does_not_document(vendor, fields, says):
    with pytest.raises(InputRejected) as raised:
        capable(job(vendor=vendor, **fields), EVERY)
    assert raised.value.code == "vendor_cannot_serve" and says in raised.value.message


def test_no_vendor_for_a_combination_names_every_reason():
    with pytest.raises(InputRejected) as raised:
        capable(job(background="transparent", negative_prompt="blurry", image=None), EVERY)
    assert raised.value.code == "no_capable_vendor"
    assert "adcreator documents no transparent background" in raised.value.message
    assert "creativeai documents no negative prompt" in raised.value.message


def test_the_vendor_list_shows_options_and_a_price_per_kind():
    views = {v.name: v for v in vendor_list(EVERY, {}).vendors}
    creativeai, adcreator = views["creativeai"], views["adcreator"]
    assert creativeai.prices_usd == {"image": CAPABILITIES["creativeai"].cost_per_output_usd, "video": 0.60}
    assert creativeai.prices_usd["image"] != creativeai.prices_usd["video"]
    assert adcreator.prices_usd == {"image": 0.10}
    assert creativeai.options.background == ["auto", "transparent"] and not creativeai.options.transparent_with_product_image
    assert creativeai.options.video_duration_seconds is not None
    assert (creativeai.options.video_duration_seconds.min, creativeai.options.video_duration_seconds.max) == (3, 15)
    assert creativeai.options.video_resolutions == ["480p", "720p", "1080p"]
    assert (adcreator.options.preset, adcreator.options.negative_prompt, adcreator.options.background) == (True, True, ["auto"])
    assert all(not v.options.negative_prompt for name, v in views.items() if name != "adcreator")
    assert all(v.options.video_duration_seconds is None for v in views.values() if "video" not in v.kinds)
