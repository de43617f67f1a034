"""`make bench`: figures measured side by side in one run, printed as ratios (no timed tests anywhere)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import boto3
import httpx

from adforge.adapters.s3_assets import S3AssetStore
from adforge.domain.media import CREATIVE_TYPES
from adforge_local import bench_cold, bench_scale, bench_timings
from adforge_local.lambda_bridge import Invocation
from adforge_local.stack import LocalStack, Options, _free_port

MIB = 2**20


class _Body:
    content_type = "image/png"

    def __init__(self, size: int) -> None:
        self.declared_length: int | None = size

    def chunks(self) -> Iterator[bytes]:
        block = b"\x89PNG\r\n\x1a\n" + bytes(64 * 1024 - 8)
        for _ in range((self.declared_length or 0) // len(block)):
            yield block


class _Fetcher:
    def __init__(self, size: int) -> None:
        self.size = size

    @contextmanager
    def open(self, url: str) -> Iterator[_Body]:
        yield _Body(self.size)


def _peak(action: Any) -> int:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@contextmanager
def _moto_elsewhere() -> Iterator[str]:
    """moto in its own process, so the object store's memory is not counted as ours."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(endpoint + "/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


def _buffered_upload(s3: Any, size: int) -> None:
    s3.put_object(Bucket="bench", Key="buffered", Body=b"".join(_Body(size).chunks()))


def ingest_memory() -> None:
    """Peak Python memory in our process: streaming a 48 MiB output into S3 vs reading it whole first."""
    with _moto_elsewhere() as endpoint:
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="x", aws_secret_access_key="x")
        s3.create_bucket(Bucket="bench")
        for size in (24 * MIB, 96 * MIB):
            store = S3AssetStore(s3, "bench", size * 2, CREATIVE_TYPES)
            streamed = _peak(partial(store.ingest, _Fetcher(size).open("x"), "streamed"))
            buffered = _peak(partial(_buffered_upload, s3, size))
            print(
                f"ingest {size // MIB:3d} MiB  streamed peak {streamed / MIB:6.1f} MiB | "
                f"buffered peak {buffered / MIB:6.1f} MiB | buffered/streamed = {buffered / streamed:4.1f}x"
            )


def job_paths(runs: int = 3) -> None:
    """Job latency and vendor status calls: webhook path vs polling fallback, same stack, same sandbox."""
    options = Options(webhook_wait_seconds=2, poll_initial_seconds=1, poll_max_seconds=2, processing_seconds=0.5)
    with LocalStack(options) as stack:
        key = stack.create_tenant("bench")
        api = httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        figures: dict[str, tuple[list[float], list[int], list[int]]] = {}
        for path, faults in (("webhook", {}), ("polling", {"drop_webhooks": True})):
            seconds, polls, transitions = [], [], []
            for _ in range(runs):
                stack.creativeai.reset()
                stack.creativeai.set_faults(processing_seconds=options.processing_seconds, **faults)
                started = time.monotonic()
                # text to image: a photo job at CreativeAI is an edit, answered with its outputs (nothing to wait for)
                job = {"prompt": "a red mug on marble", "vendor": "creativeai"}
                job_id = api.post("/v1/jobs", json=job).json()["id"]
                stack.wait_for_execution(job_id)
                seconds.append(time.monotonic() - started)
                polls.append(sum(stack.creativeai.polls.values()))
                transitions.append(sum(1 for event in stack.history(job_id) if event["type"].endswith("StateEntered")))
            figures[path] = (seconds, polls, transitions)
        invocations = list(stack.bridge.record)
    cold_and_warm(invocations)
    for path, (seconds, polls, transitions) in figures.items():
        print(
            f"{path:8s} path    median {statistics.median(seconds):5.2f} s | vendor status polls {statistics.median(polls):3.0f}"
            f" | states entered {statistics.median(transitions):3.0f}"
        )
    ratio = statistics.median(figures["polling"][0]) / statistics.median(figures["webhook"][0])
    setup = f"webhook wait at most {options.webhook_wait_seconds} s, sandbox render {options.processing_seconds} s"
    print(f"polling/webhook latency = {ratio:4.1f}x ({setup})")


def cold_and_warm(invocations: list[Invocation]) -> None:
    """Per function: its first (cold) invocation, a new execution environment's start, import and handler,
    against its warm invocations in the same run."""
    for function in sorted({i.function for i in invocations}):
        mine = [i for i in invocations if i.function == function]
        cold = next((i.seconds for i in mine if i.cold), None)
        warm = [i.seconds for i in mine if not i.cold]
        if cold is None:
            continue
        line = f"cold start {function.removeprefix('adforge-local-'):24s} {cold * 1000:6.0f} ms"
        if warm:
            median = statistics.median(warm)
            line += f" | warm median {median * 1000:5.0f} ms over {len(warm):2d} | cold/warm = {cold / median:5.1f}x"
        print(line)


def main(argv: list[str]) -> None:
    """No arguments, or only options (`--python`, `--sam`: for the cold part): every figure (`make bench`).
    `cold ...`, `scale ...`, `faults ...` or `timings ...`: that part alone (see --help)."""
    if argv and not argv[0].startswith("-"):
        if argv[0] == "cold":
            sys.exit(bench_cold.main(argv[1:]))
        elif argv[0] == "timings":
            bench_timings.main(argv[1:])
        else:
            bench_scale.main(argv)
        return
    bench_cold.main(argv)
    ingest_memory()
    job_paths()
    bench_timings.report(bench_timings.run(bench_timings.every_case()))
    bench_scale.main(["scale"])
    bench_scale.main(["faults"])


if __name__ == "__main__":
    main(sys.argv[1:])
