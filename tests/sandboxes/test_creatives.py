"""Creatives that look like ads, from every sandbox over real HTTP: the merchant's product photo on the generated
scene wherever the vendor receives one, and the prompt's quoted text as a headline band on every image output.

The product is a generated photo: a square on a plain white studio backdrop, its left half green and its right half
magenta. "Present" means both colours share the centre of the creative (where compose.py places the product);
"absent" means one of them is missing there. A plain scene can never show both: it is a vertical gradient (its centre
block too), so across the centre patch (a tenth of the height) a channel moves by at most a tenth of 255, far less
than the two colours differ. A headline shows as white text pixels in the top band, whose rows are otherwise flat
(each row of the gradient is one colour); without quoted text every row there stays flat.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from PIL import Image

from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.adcreator import AdCreatorSandbox
from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.compose import compose, headline
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from adforge_local.sandboxes.png import png

GREEN, MAGENTA = (17, 233, 101), (233, 17, 160)  # the product's two halves
BACKDROP = (250, 250, 250)
PACE = 0.2
HEADLINE_PROMPT = 'studio shot, headline "Summer Sale"'
PLAIN_PROMPT = "studio shot, no headline"
LOOKS_LIKE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # sniffed as a PNG by the vendors' magic-number checks; no image
APP, USER = "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6", "2581c740-8e9d-4d63-96bc-5665bb9a646b"


def product_png() -> bytes:
    photo = Image.new("RGB", (120, 120), BACKDROP)
    photo.paste(GREEN, (20, 20, 60, 100))
    photo.paste(MAGENTA, (60, 20, 100, 100))
    out = io.BytesIO()
    photo.save(out, "PNG")
    return out.getvalue()


PRODUCT = product_png()


# what the assertions read -----------------------------------------------------------------------
def opened(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def shares(image: Image.Image, tolerance: int = 8) -> tuple[float, float]:
    """The shares of the centre patch (where the product goes) in the product's green and in its magenta."""
    width, height = image.size
    side = max(2, min(width, height) // 10)
    cx, cy = width // 2, height // 2 + height // 20
    patch = image.crop((cx - side // 2, cy - side // 2, cx + side // 2, cy + side // 2))
    pixels = list(patch.get_flattened_data())

    def share(colour: tuple[int, int, int]) -> float:
        near = [p for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour, strict=True))]  # type: ignore[call-overload]
        return len(near) / len(pixels)

    return share(GREEN), share(MAGENTA)


def assert_product(image: Image.Image) -> None:
    green, magenta = shares(image)
    assert green > 0.25 and magenta > 0.25, f"the product photo is not in the centre of the creative: {green}, {magenta}"


def assert_no_product(image: Image.Image) -> None:
    assert min(shares(image)) == 0.0, "the product photo is in a creative made without it"


def uneven_rows(image: Image.Image, top: int, bottom: int) -> list[int]:
    """Rows in [top, bottom) that are not one flat colour."""
    width = image.width
    extrema = [image.crop((0, y, width, y + 1)).getextrema() for y in range(top, bottom)]
    return [y for y, bands in enumerate(extrema, top) if any(low != high for low, high in bands)]  # type: ignore[misc]


def text_pixels(image: Image.Image, bottom: int) -> list[tuple[int, int]]:
    """(x, y) of the light pixels above `bottom` that sit in an uneven row (text, not a light gradient row)."""
    rows = set(uneven_rows(image, 0, bottom))
    return [
        (x, y)
        for y in sorted(rows)
        for x in range(image.width)
        if min(image.getpixel((x, y))) >= 160  # type: ignore[arg-type]  # the band keeps the scene below ~80
    ]


def assert_headline(image: Image.Image, composed: bool = False) -> None:
    """White text, centred, in the top fifth (above where a product photo may start); on a plain scene also nothing
    between that and the plain block (from 30 % of the height down)."""
    width, height = image.size
    band = height // 5
    found = text_pixels(image, band)
    assert found, "no headline text in the top band"
    centre = sum(x for x, _ in found) / len(found)
    assert abs(centre - width / 2) < width * 0.1, f"the headline is not centred: mean x {centre} of {width}"
    if not composed:
        assert uneven_rows(image, band, int(height * 0.29)) == [], "the headline spills below the top band"


def assert_no_headline(image: Image.Image) -> None:
    assert uneven_rows(image, 0, image.height // 5) == [], "text in the top band without a quoted headline"


def pdf_pixels(data: bytes) -> Image.Image:
    """The RGB image a Flate PDF (format 2, full size) embeds: PNG rows with filter bytes (Predictor 15)."""
    width = int(re.search(rb"/Width (\d+)", data).group(1))  # type: ignore[union-attr]
    height = int(re.search(rb"/Height (\d+)", data).group(1))  # type: ignore[union-attr]
    start = data.index(b"stream\n") + len(b"stream\n")
    raw = zlib.decompress(data[start : data.index(b"\nendstream", start)])
    stride = 1 + 3 * width
    assert all(raw[row * stride] == 0 for row in range(height)), "rows with a PNG filter other than 0"
    pixels = b"".join(raw[row * stride + 1 : (row + 1) * stride] for row in range(height))
    return Image.frombytes("RGB", (width, height), pixels)


# a loopback host for fetched images -------------------------------------------------------------
@pytest.fixture(scope="module")
def host() -> Iterator[str]:
    """GET /product.png: the product photo; /fake.png: bytes that only look like a PNG; /page.html: HTML; else 404."""
    bodies = {"/product.png": PRODUCT, "/fake.png": LOOKS_LIKE_PNG, "/page.html": b"<html>not an image</html>"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def web() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as http:
        yield http


# CreativeAI ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def creativeai(clock: ManualClock) -> Iterator[httpx.Client]:
    box = CreativeAISandbox(api_key="sk_creatives", credits=10_000, clock=clock)
    box.start()
    box.set_faults(processing_seconds=PACE)
    with httpx.Client(base_url=box.url, headers={"Authorization": "Bearer sk_creatives"}, timeout=30) as http:
        yield http
    box.stop()


def creativeai_edit(http: httpx.Client, image: bytes, prompt: str = PLAIN_PROMPT) -> Image.Image:
    reply = http.post("/v1/images/edits", data={"prompt": prompt, "size": "1536x1024"}, files={"image": ("p.png", image)})
    assert reply.status_code == 200, reply.text
    out = opened(http.get(reply.json()["data"][0]["url"]).content)
    assert out.size == (384, 256)
    return out


def creativeai_generation(http: httpx.Client, prompt: str) -> Image.Image:
    reply = http.post("/v1/images/generations", json={"prompt": prompt, "size": "1024x1536"})
    assert reply.status_code == 200, reply.text
    out = opened(http.get(reply.json()["data"][0]["url"]).content)
    assert out.size == (256, 384)
    return out


def creativeai_native(http: httpx.Client, clock: ManualClock, prompt: str, **extra: Any) -> bytes:
    job = http.post("/api/v1/model/generateImage", json={"prompt": prompt, **extra}).json()
    clock.advance(PACE)
    return http.get(http.get(f"/api/v1/model/prediction/{job['id']}").json()["output_url"]).content


def test_creativeai_edit_composes_the_product_and_a_photo_that_is_no_image_stays_plain(creativeai: httpx.Client) -> None:
    assert_product(creativeai_edit(creativeai, PRODUCT))
    assert_no_product(creativeai_edit(creativeai, LOOKS_LIKE_PNG))
    assert_no_product(creativeai_generation(creativeai, PLAIN_PROMPT))  # text to image: the plain scene


def test_creativeai_headline_on_generations_edits_and_native_images(creativeai: httpx.Client, clock: ManualClock) -> None:
    assert_headline(creativeai_generation(creativeai, HEADLINE_PROMPT))
    assert_no_headline(creativeai_generation(creativeai, PLAIN_PROMPT))
    composed = creativeai_edit(creativeai, PRODUCT, HEADLINE_PROMPT)
    assert_headline(composed, composed=True)
    assert_product(composed)
    assert_no_headline(creativeai_edit(creativeai, PRODUCT))
    assert_headline(opened(creativeai_native(creativeai, clock, HEADLINE_PROMPT)))
    assert_no_headline(opened(creativeai_native(creativeai, clock, PLAIN_PROMPT)))


def test_creativeai_transparent_generation_keeps_its_alpha_under_a_headline(creativeai: httpx.Client, clock: ManualClock) -> None:
    data = creativeai_native(creativeai, clock, HEADLINE_PROMPT, background="transparent")
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"
        alpha = image.getchannel("A")
        assert alpha.getpixel((0, image.height - 1)) == 0  # the background stays transparent
        assert alpha.getpixel((image.width // 2, image.height // 2)) == 255  # the block stays opaque
        assert_headline(image.convert("RGB"))


# adcreator ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adcreator(clock: ManualClock) -> Iterator[httpx.Client]:
    box = AdCreatorSandbox(api_key="sk_live_creatives", credits=10_000, clock=clock)
    box.start()
    box.set_faults(processing_seconds=PACE)
    headers = {"Authorization": "Bearer sk_live_creatives"}
    with httpx.Client(base_url=f"{box.url}/api/platform", headers=headers, timeout=30) as http:
        yield http
    box.stop()


def adcreator_image(http: httpx.Client, clock: ManualClock, prompt: str, upload: bytes | None) -> Image.Image:
    body: dict[str, Any] = {"prompt": prompt, "modelId": "nano-banana-2", "aspectRatio": "16:9"}
    if upload is not None:
        uploaded = http.post("/upload", files={"file": ("product.png", upload, "image/png")})
        assert uploaded.status_code == 201, uploaded.text
        body["inputImagePath"] = uploaded.json()["path"]
    generation = http.post("/generate", json=body)
    assert generation.status_code == 202, generation.text
    clock.advance(PACE)
    done = http.get(f"/generations/{generation.json()['id']}").json()["generation"]
    out = opened(http.get(done["image_url"]).content)
    assert out.size == (1024, 576)
    return out


def test_adcreator_composes_the_uploaded_input_image(adcreator: httpx.Client, clock: ManualClock) -> None:
    assert_product(adcreator_image(adcreator, clock, PLAIN_PROMPT, PRODUCT))
    assert_no_product(adcreator_image(adcreator, clock, PLAIN_PROMPT, None))
    assert_no_product(adcreator_image(adcreator, clock, PLAIN_PROMPT, LOOKS_LIKE_PNG))


def test_adcreator_headline(adcreator: httpx.Client, clock: ManualClock) -> None:
    assert_headline(adcreator_image(adcreator, clock, HEADLINE_PROMPT, None))
    composed = adcreator_image(adcreator, clock, HEADLINE_PROMPT, PRODUCT)
    assert_headline(composed, composed=True)
    assert_product(composed)
    assert_no_headline(adcreator_image(adcreator, clock, PLAIN_PROMPT, PRODUCT))


# AdCreative ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adcreative(clock: ManualClock) -> Iterator[httpx.Client]:
    box = AdCreativeSandbox(api_key="ac-key", api_secret="ac-secret", clock=clock)
    box.start()
    box.set_faults(processing_seconds=PACE)
    with httpx.Client(base_url=box.url, headers={"x-api-key": "ac-key", "x-api-secret": "ac-secret"}, timeout=60) as http:
        token = http.post("/api/v1/Authorization/GenerateJwtToken", json={"applicationId": APP, "jwtPrivateKey": "k"})
        http.headers["Authorization"] = f"Bearer {token.json()['accessToken']}"
        yield http
    box.stop()


def fields(**values: Any) -> dict[str, tuple[str | None, Any]]:
    return {name: value if isinstance(value, tuple) else (None, str(value)) for name, value in values.items()}


def finished_task(http: httpx.Client, clock: ManualClock, started: httpx.Response, api: str, param: str) -> Callable[..., bytes]:
    """A downloader (query options -> bytes) for the first task of a started process, once the clock ran its pace."""
    assert started.status_code == 200, started.text
    process = started.json()["imageRenderProcessId"]
    clock.advance(PACE)
    item = http.get(f"/api/v1/Image/{api}/CheckUserProgress", params={"userId": USER, param: process}).json()[0]
    assert item["isSuccessful"], item
    task = next(iter(item["tasks"]))

    def download(**options: Any) -> bytes:
        reply = http.get(
            f"/api/v1/Image/{api}/Download", params={"applicationId": APP, "taskId": task, param: process, **options}
        )
        assert reply.status_code == 200, reply.text
        return reply.content

    return download


def photoshoot(http: httpx.Client, clock: ManualClock, image: bytes, prompt: str = "on a mossy rock") -> Callable[..., bytes]:
    asset = http.post(
        "/api/v1/Image/ProductGeneration/Recommendations", files={"productImage": ("green-box.png", image, "image/png")}
    )
    assert asset.status_code == 200, asset.text
    prompts = json.dumps([{"tag": "custom", "prompt": prompt}])
    started = http.post(
        "/api/v1/Image/ProductGeneration/AdCreative",
        files=fields(
            applicationId=APP,
            userId=USER,
            productImageAssetId=asset.json()["backgroundRemovedImageAssetId"],
            PromptObjectsString=prompts,
        ),
    )
    return finished_task(http, clock, started, "ProductGeneration", "imageProductGeneratorProcessId")


def test_photoshoot_composes_the_product_image_into_every_download_format(adcreative: httpx.Client, clock: ManualClock) -> None:
    download = photoshoot(adcreative, clock, PRODUCT)
    original = opened(download())
    assert original.size == (1674, 628)
    assert_product(original)
    jpeg = opened(download(format=1))
    assert jpeg.size == (1674, 628)
    assert_product(jpeg)
    assert_product(pdf_pixels(download(format=2)))
    thumbnail = opened(download(lowResolution="true"))
    assert thumbnail.size == (418, 157)
    assert_product(thumbnail)


def test_photoshoot_of_an_upload_that_is_no_image_keeps_the_plain_scene(adcreative: httpx.Client, clock: ManualClock) -> None:
    download = photoshoot(adcreative, clock, LOOKS_LIKE_PNG)
    assert_no_product(opened(download()))
    assert_no_product(opened(download(format=1)))


def test_photoshoot_headline_from_a_custom_prompt(adcreative: httpx.Client, clock: ManualClock) -> None:
    plain_scene = photoshoot(adcreative, clock, LOOKS_LIKE_PNG, HEADLINE_PROMPT)
    assert_headline(opened(plain_scene()))
    assert_headline(pdf_pixels(plain_scene(format=2)))
    composed = opened(photoshoot(adcreative, clock, PRODUCT, HEADLINE_PROMPT)())
    assert_headline(composed, composed=True)
    assert_product(composed)
    assert_no_headline(opened(photoshoot(adcreative, clock, PRODUCT, PLAIN_PROMPT)()))


def stock(http: httpx.Client, clock: ManualClock, prompt: str) -> Callable[..., bytes]:
    started = http.post(
        "/api/v1/Image/StockGeneration/AdCreative",
        files=fields(applicationId=APP, userId=USER, renderKind="1", imageStyle="3", userPrompt=prompt),
    )
    return finished_task(http, clock, started, "StockGeneration", "imageStockGeneratorProcessId")


def test_stock_image_is_the_plain_scene_with_the_prompts_headline(adcreative: httpx.Client, clock: ManualClock) -> None:
    titled = opened(stock(adcreative, clock, HEADLINE_PROMPT)())
    assert titled.size == (1080, 1080)
    assert_headline(titled)
    assert_no_product(titled)
    assert_no_headline(opened(stock(adcreative, clock, PLAIN_PROMPT)()))


# Adsumo -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adsumo(clock: ManualClock) -> Iterator[httpx.Client]:
    box = AdsumoSandbox(api_key="adsumo_sk_creatives", credits=100_000, clock=clock)
    box.start()
    box.set_faults(processing_seconds=PACE)
    headers = {"Authorization": "Bearer adsumo_sk_creatives"}
    with httpx.Client(base_url=f"{box.url}/api/v1", headers=headers, timeout=30) as http:
        yield http
    box.stop()


def adsumo_image(http: httpx.Client, clock: ManualClock, endpoint: str, **body: Any) -> Image.Image:
    reply = http.post(f"/images/{endpoint}", json={"model": "fast", "aspect_ratio": "1:1", "resolution": "4k", **body})
    assert reply.status_code == 202, reply.text
    clock.advance(PACE)
    done = http.get(f"/generations/{reply.json()['generation_id']}").json()
    assert done["status"] == "completed", done
    out = opened(http.get(done["result_url"]).content)
    assert out.size == (256, 256)
    return out


def test_adsumo_edit_fetches_and_composes_the_first_reference_image(adsumo: httpx.Client, clock: ManualClock, host: str) -> None:
    urls = [f"{host}/product.png", f"{host}/page.html"]
    assert_product(adsumo_image(adsumo, clock, "edit", prompt=PLAIN_PROMPT, reference_image_urls=urls))
    second = [f"{host}/page.html", f"{host}/product.png"]  # only the first is fetched
    assert_no_product(adsumo_image(adsumo, clock, "edit", prompt=PLAIN_PROMPT, reference_image_urls=second))


@pytest.mark.parametrize("path", ["/missing.png", "/page.html", "/fake.png"])
def test_adsumo_edit_whose_reference_cannot_be_used_still_completes_with_the_plain_scene(
    adsumo: httpx.Client, clock: ManualClock, host: str, path: str
) -> None:
    assert_no_product(adsumo_image(adsumo, clock, "edit", prompt=PLAIN_PROMPT, reference_image_urls=[host + path]))


def test_adsumo_edit_of_an_unreachable_reference_completes_with_the_plain_scene(adsumo: httpx.Client, clock: ManualClock) -> None:
    with socket.socket() as probe:  # a loopback port that was just free: connecting is refused at once
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/product.png"
    assert_no_product(adsumo_image(adsumo, clock, "edit", prompt=PLAIN_PROMPT, reference_image_urls=[url]))


def test_adsumo_headline_on_every_endpoint(adsumo: httpx.Client, clock: ManualClock, host: str) -> None:
    assert_headline(adsumo_image(adsumo, clock, "text-to-image", prompt=HEADLINE_PROMPT))
    assert_no_headline(adsumo_image(adsumo, clock, "text-to-image", prompt=PLAIN_PROMPT))
    shot = {"product_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "style_id": "studio-white"}
    titled = adsumo_image(adsumo, clock, "product-shots", **shot, additional_prompt=HEADLINE_PROMPT)
    assert_headline(titled)
    assert_no_product(titled)  # a catalogue product has no photo: the plain scene
    assert_no_headline(adsumo_image(adsumo, clock, "product-shots", **shot))
    composed = adsumo_image(adsumo, clock, "edit", prompt=HEADLINE_PROMPT, reference_image_urls=[f"{host}/product.png"])
    assert_headline(composed, composed=True)
    assert_product(composed)


# compose.py itself --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ('studio shot, headline "Summer Sale"', "Summer Sale"),
        ("“Neu:  Tasse”  on a table", "Neu: Tasse"),
        ('an empty "" then "  Second  one "', "Second one"),
        ("no quotes at all", None),
        ('an unclosed "quote', None),
        (None, None),
    ],
)
def test_headline_is_the_first_quoted_text(prompt: str | None, expected: str | None) -> None:
    assert headline(prompt) == expected


def test_compose_is_deterministic_sized_and_plain_without_product_or_headline() -> None:
    assert compose(90, 60, "seed") == png(90, 60, "seed")
    assert compose(90, 60, "seed", None, PLAIN_PROMPT, alpha=True) == png(90, 60, "seed", alpha=True)
    titled = compose(300, 200, "seed", PRODUCT, HEADLINE_PROMPT)
    assert titled == compose(300, 200, "seed", PRODUCT, HEADLINE_PROMPT)
    assert titled != compose(300, 200, "seed", PRODUCT, 'headline "Winter Sale"')
    assert opened(titled).size == (300, 200)


def test_a_headline_too_long_for_the_canvas_is_shrunk_and_cut_to_fit() -> None:
    long = '"' + "Everything must go, this weekend only " * 6 + '"'
    image = opened(compose(400, 200, "seed", None, long))
    xs = [x for x, _ in text_pixels(image, 40)]
    assert xs and min(xs) >= 400 * 0.04 and max(xs) <= 400 * 0.96  # inside the 90 % the text may take
