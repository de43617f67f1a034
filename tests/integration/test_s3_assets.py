import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest

from adforge.adapters.s3_assets import S3AssetStore
from adforge.domain.errors import InputRejected
from adforge.domain.media import CREATIVE_TYPES, IMAGE_TYPES

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
JPEG = b"\xff\xd8\xff\xe0" + b"j" * 5000


class _Download:
    def __init__(self, body: bytes, content_type: str, declared: int | None) -> None:
        self.body, self.content_type, self.declared_length = body, content_type, declared

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 7):  # awkward chunk sizes on purpose
            yield self.body[start : start + 7]


class FakeFetcher:
    def __init__(self, bodies: dict[str, bytes], declare: bool = True) -> None:
        self.bodies, self.declare = bodies, declare

    @contextmanager
    def open(self, url: str) -> Iterator[_Download]:
        body = self.bodies[url]
        yield _Download(body, "application/octet-stream", len(body) if self.declare else None)


@pytest.fixture
def s3(aws):
    client = boto3.client("s3")
    client.create_bucket(Bucket="assets")
    return client


def keys(s3) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket="assets").get("Contents", [])]


def test_ingest_sniffs_the_type_and_hashes_what_it_stored(s3):
    store = S3AssetStore(s3, "assets", 10_000, IMAGE_TYPES)
    asset = store.ingest(FakeFetcher({"u": JPEG}).open("u"), "tenants/a/jobs/j/output-0")
    assert (asset.key, asset.content_type, asset.size) == ("tenants/a/jobs/j/output-0.jpg", "image/jpeg", len(JPEG))
    stored = s3.get_object(Bucket="assets", Key=asset.key)
    assert stored["Body"].read() == JPEG and stored["ContentType"] == "image/jpeg"
    assert asset.sha256 == hashlib.sha256(JPEG).hexdigest()


@pytest.mark.parametrize("declare", [True, False])
def test_oversize_leaves_no_object(s3, declare):
    store = S3AssetStore(s3, "assets", len(PNG) - 1, IMAGE_TYPES)
    with pytest.raises(InputRejected) as raised:
        store.ingest(FakeFetcher({"u": PNG}, declare=declare).open("u"), "tenants/a/x")
    assert raised.value.code == "too_large"
    assert keys(s3) == []


def test_content_that_is_not_an_allowed_type_is_refused(s3):
    sources = FakeFetcher({"u": b"<html><body>not an image</body></html>", "v": b"\x00\x00\x00\x18ftypmp42" + b"0" * 50})
    store = S3AssetStore(s3, "assets", 10_000, IMAGE_TYPES)
    for url in ("u", "v"):
        with pytest.raises(InputRejected, match="not one of"):
            store.ingest(sources.open(url), "tenants/a/x")
    assert keys(s3) == []
    assert S3AssetStore(s3, "assets", 10_000, CREATIVE_TYPES).ingest(sources.open("v"), "tenants/a/v").content_type == "video/mp4"


def test_describe_checks_an_uploaded_object(s3):
    s3.put_object(Bucket="assets", Key="tenants/a/ok.png", Body=PNG)
    s3.put_object(Bucket="assets", Key="tenants/a/fake.png", Body=b"GIF89a....")
    store = S3AssetStore(s3, "assets", 100_000, IMAGE_TYPES)
    assert store.describe("tenants/a/ok.png").size == len(PNG)
    with pytest.raises(InputRejected, match="not one of"):
        store.describe("tenants/a/fake.png")
    with pytest.raises(InputRejected) as raised:
        store.describe("tenants/a/missing.png")
    assert raised.value.code == "image_not_found"


def test_open_streams_a_stored_object(s3):
    s3.put_object(Bucket="assets", Key="tenants/a/in.png", Body=PNG, ContentType="image/png")
    store = S3AssetStore(s3, "assets", 100_000, IMAGE_TYPES)
    with store.open("tenants/a/in.png") as download:
        assert (download.content_type, download.declared_length) == ("image/png", len(PNG))
        assert b"".join(download.chunks()) == PNG
