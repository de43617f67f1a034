# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null) python3)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
export PYTHONPATH := layers/core:local:cli
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: test demo dev bench lint typecheck validate deploy-check unit integration e2e clean

$(VENV)/.installed: requirements-dev.txt layers/core/requirements.txt layers/core/requirements-nodeps.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .  # `adforge` on PATH
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

## make test: lint, type-check, validate the template (cfn-lint, sam validate --lint, checkov), check the built artifact, then every test (unit, integration, e2e)
# e2e runs in its own processes: moto's in-process mock_aws (integration tests) resets the backends
# that the local stack's moto server shares within a process.
test: lint typecheck validate deploy-check
	$(PY) -m pytest -q -n 2 tests/unit tests/sandboxes tests/contract tests/integration
	$(PY) -m pytest -q -n 2 --dist loadfile tests/e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache  # the layers of layers/core/adforge (pyproject.toml [tool.importlinter])

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy layers/core local cli functions

# checkov's findings are fixed or skipped in the template, each with its reason (`Metadata: checkov: skip:`)
validate: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed
	$(VENV)/bin/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --region us-east-1 --template template.yaml
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation --file template.yaml

unit: $(VENV)/.installed
	$(PY) -m pytest -q tests/unit tests/sandboxes tests/contract

integration: $(VENV)/.installed
	$(PY) -m pytest -q tests/integration

e2e: $(VENV)/.installed
	$(PY) -m pytest -q tests/e2e

## make demo: sample product photo in, ad creatives out (./out/), on the embedded local stack
demo: $(VENV)/.installed
	$(PY) -m adforge_local demo

## make dev: keep the local stack running for curl and boto3 (endpoints printed)
dev: $(VENV)/.installed
	$(PY) -m adforge_local dev

## make deploy-check: sam build (arm64 as deployed, plus this host's arch to run), then every handler imported and
# invoked from the built artifact in a clean python3.12 with only its template environment (no AWS reachable)
deploy-check: $(VENV)/.installed $(SAM_VENV)/.installed
	$(PY) -m adforge_local.readiness --python $(PYTHON) --sam $(SAM_VENV)/bin/sam

## make bench: figures as ratios measured side by side in one run (first each function's cold import from `sam build`)
bench: $(VENV)/.installed $(SAM_VENV)/.installed
	$(PY) -m adforge_local.bench --python $(PYTHON) --sam $(SAM_VENV)/bin/sam

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) out .pytest_cache .mypy_cache .ruff_cache .aws-sam-check
