"""`python -m adforge_local demo|dev`: run the pipeline on the embedded local stack."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import time
from pathlib import Path

from adforge_cli import main as cli
from adforge_local.stack import ROOT, LocalStack

SAMPLE = ROOT / "local" / "assets" / "sample-product.png"
TENANT = "demo-merchant"
PROMPT = 'A red ceramic mug on a sunlit marble counter, soft morning light, lifestyle ad, headline "Mornings, upgraded"'


def _say(started: float, message: str) -> None:
    print(f"[{time.monotonic() - started:6.2f}s] {message}", flush=True)


def demo(out_dir: Path) -> int:
    """Sample product photo in, ad creatives out, through the `adforge` CLI against the local stack's API."""
    started = time.monotonic()
    with LocalStack() as stack:
        _say(started, f"local stack up: API {stack.api.url}  AWS {stack.aws_endpoint}  CreativeAI sandbox {stack.creativeai.url}")
        api_key = stack.create_tenant(TENANT)
        command = ["create", str(SAMPLE), "--prompt", PROMPT, "--count", "2", "--metadata", "sku=MUG-RED-01"]
        command += ["--wait", "--timeout", "90", "--out", str(out_dir)]
        _say(started, f"tenant {TENANT} created; running: adforge {shlex.join(command)}")
        code = cli.run(["--api-url", stack.api.url, "--api-key", api_key, *command])
        events = [event["detail-type"] for event in stack.drain_events()]
        _say(started, f"events: {', '.join(events)}")
        _say(started, f"vendor status polls: {sum(stack.creativeai.polls.values())}")
        logs = out_dir / "logs"  # the functions' JSON logs, kept once the stack's scratch directory is gone
        shutil.copytree(stack.logs, logs, dirs_exist_ok=True)
        _say(started, f"function logs (JSON, one file per function): {logs}/")
    _say(started, f"done (adforge exit code {code})")
    return code


def dev() -> int:
    """Keep the stack up for curl / boto3 until Ctrl-C."""
    with LocalStack() as stack:
        api_key = stack.create_tenant(TENANT)
        credentials = stack.session.get_credentials()
        print(
            f"AdForge local stack is up.\n"
            f"  API:               {stack.api.url}   (Authorization: Bearer {api_key})\n"
            f"  AWS (moto):        {stack.aws_endpoint}   (AWS_ENDPOINT_URL; region us-east-1; IAM enforced)\n"
            f"  operator keys:     AWS_ACCESS_KEY_ID={credentials.access_key} AWS_SECRET_ACCESS_KEY={credentials.secret_key}\n"
            f"  function logs:     {stack.logs}/<function>.log\n"
            f"  bucket / table:    {stack.bucket} / {stack.table}\n"
            f"  CreativeAI sandbox {stack.creativeai.url}   (faults: POST /_sandbox/faults)\n"
            f"Try (another shell, in the venv: source .venv/bin/activate):\n"
            f"  export ADFORGE_API_URL={stack.api.url} ADFORGE_API_KEY={api_key}\n"
            f"  adforge create local/assets/sample-product.png --prompt 'a red mug on marble' --wait --out out\n"
            f"  adforge jobs list; adforge vendors\n"
            f"  export AWS_ENDPOINT_URL={stack.aws_endpoint} AWS_ACCESS_KEY_ID={credentials.access_key} "
            f"AWS_SECRET_ACCESS_KEY={credentials.secret_key} AWS_DEFAULT_REGION=us-east-1 ADFORGE_TABLE={stack.table}\n"
            f"  adforge admin tenants create another-merchant; adforge admin tenants list-keys {TENANT}\n"
            f"  curl -s -X POST {stack.api.url}/v1/jobs -H 'Authorization: Bearer {api_key}' "
            f"-H 'Content-Type: application/json' -d '{{\"prompt\": \"a mug on marble\"}}'\n"
            f"Ctrl-C to stop.",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adforge_local")
    sub = parser.add_subparsers(dest="command", required=True)
    run_demo = sub.add_parser("demo", help="sample product photo in, ad creatives out")
    run_demo.add_argument("--out", type=Path, default=Path("out"))
    sub.add_parser("dev", help="keep the local stack running")
    args = parser.parse_args(argv)
    return demo(args.out) if args.command == "demo" else dev()


if __name__ == "__main__":
    sys.exit(main())
