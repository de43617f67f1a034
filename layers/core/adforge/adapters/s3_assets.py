"""Assets in S3: streamed in from URLs with a size limit and a content check, never half-written."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from adforge.domain.errors import InputRejected
from adforge.domain.media import EXTENSIONS, SNIFF_BYTES, sniff
from adforge.domain.models import Asset
from adforge.ports.assets import Download


class _LimitedReader:
    """A file-like view of a chunk iterator that counts, hashes and stops at `limit` bytes."""

    def __init__(self, head: bytes, rest: Iterator[bytes], limit: int) -> None:
        self._buffer = bytearray(head)
        self._rest = rest
        self._limit = limit
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._rest, None)
            if chunk is None:
                break
            self._buffer.extend(chunk)
        cut = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        out = bytes(self._buffer[:cut])
        del self._buffer[:cut]
        self.size += len(out)
        if self.size > self._limit:
            raise InputRejected("too_large", f"file exceeds the {self._limit} byte limit")
        self.digest.update(out)
        return out


def _read_head(chunks: Iterator[bytes]) -> bytes:
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return head


class _StoredObject:
    """A `Download` of one S3 object's streamed body."""

    def __init__(self, content_type: str, length: int | None, body: Any) -> None:
        self.content_type = content_type
        self.declared_length = length
        self._body = body

    def chunks(self) -> Iterator[bytes]:
        yield from self._body.iter_chunks(1024 * 1024)


# One 8 MiB part in flight: memory stays flat whatever the file size (a Lambda has little to spare).
STREAMING = TransferConfig(multipart_threshold=8 * 2**20, multipart_chunksize=8 * 2**20, max_concurrency=1, use_threads=False)


class S3AssetStore:
    """`AssetStore` over a boto3 S3 client."""

    def __init__(self, client: Any, bucket: str, max_bytes: int, allowed: frozenset[str]) -> None:
        self._s3 = client
        self._bucket = bucket
        self._max = max_bytes
        self._allowed = allowed

    def ingest(self, source: AbstractContextManager[Download], key: str) -> Asset:
        """Stream `source` to `<key><ext>`; the extension comes from the sniffed type."""
        with source as download:
            if download.declared_length is not None and download.declared_length > self._max:
                raise InputRejected("too_large", f"file is {download.declared_length} bytes, over the {self._max} byte limit")
            chunks = iter(download.chunks())
            head = _read_head(chunks)
            content_type = self._check_type(head)
            reader = _LimitedReader(head, chunks, self._max)
            full_key = key + EXTENSIONS[content_type]
            # upload_fileobj aborts its multipart upload when the reader raises: no partial object remains
            self._s3.upload_fileobj(reader, self._bucket, full_key, ExtraArgs={"ContentType": content_type}, Config=STREAMING)
        return Asset(key=full_key, content_type=content_type, size=reader.size, sha256=reader.digest.hexdigest())

    def describe(self, key: str) -> Asset:
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            raise InputRejected("image_not_found", f"no uploaded object at {key}") from error
        if head["ContentLength"] > self._max:
            raise InputRejected("too_large", f"object is {head['ContentLength']} bytes, over the {self._max} byte limit")
        first = self._s3.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")["Body"].read()
        content_type = self._check_type(first)
        return Asset(key=key, content_type=content_type, size=head["ContentLength"])

    @contextmanager
    def open(self, key: str) -> Iterator[Download]:
        body = self._s3.get_object(Bucket=self._bucket, Key=key)
        stream = body["Body"]
        try:
            yield _StoredObject(body.get("ContentType") or "application/octet-stream", body.get("ContentLength"), stream)
        finally:
            stream.close()

    def share(self, key: str, expires_in: int) -> str:
        return str(
            self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in)
        )

    def upload_url(self, key: str, content_type: str, content_length: int, expires_in: int) -> str:
        params = {"Bucket": self._bucket, "Key": key, "ContentType": content_type, "ContentLength": content_length}
        return str(self._s3.generate_presigned_url("put_object", Params=params, ExpiresIn=expires_in))

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self._bucket, Key=key)

    def _check_type(self, head: bytes) -> str:
        content_type = sniff(head)
        if content_type is None or content_type not in self._allowed:
            raise InputRejected("unsupported_media", f"content is not one of {sorted(self._allowed)}")
        return content_type
