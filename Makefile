# One command to run the product (`make run`), one to test it (`make test`).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# A Python 3.12 interpreter: python3.12 on PATH, else pyenv's 3.12 (whose shim needs PYENV_VERSION).
PYTHON312 ?= $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c '' 2>/dev/null && command -v python3.12 \
	|| ls -d $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)
# apt-get waits for a dpkg lock held by another install rather than failing.
APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
PORT ?= 8000
LOCAL_AWS_PORT ?= 4566
export PORT LOCAL_AWS_PORT

.PHONY: help install run test lint typecheck pytest api-conformance bench bench-deps package infra-synth system-deps clean deploy-deps checks-deps site-checks screenshots deploy infra-lint

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found: install python3.12 or pyenv's 3.12" >&2; exit 1; }
	$(PYTHON312) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/production.txt requirements/local.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/local.txt
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the Python packages

system-deps: ## Debian packages the browser tests need (Chromium), installed once
	@command -v chromium >/dev/null || { $(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; }

run: install ## Start the emulator, bootstrap it, and serve the blog on http://127.0.0.1:$(PORT)
	$(BIN)/python -m cloud.local.run

lint: install ## ruff (lint + format check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install deploy-deps ## mypy
	$(BIN)/mypy .

# The site checkers (issue 14/16): axe-core and Lighthouse from npm (checks/package-lock.json),
# the Nu HTML checker (vnu-jar, needs Java), Chromium from Debian.
checks/node_modules/.package-lock.json: checks/package.json checks/package-lock.json
	cd checks && npm ci --no-audit --no-fund --loglevel=error

checks-deps: system-deps checks/node_modules/.package-lock.json ## axe-core, the Nu HTML checker (and Java), Lighthouse
	@command -v java >/dev/null || { $(APT) update -qq && $(APT) install -y -qq default-jre-headless >/dev/null; }

site-checks: install checks-deps ## axe-core (1280/390 px, light/dark), Nu HTML checker, Lighthouse (mobile) on the public pages
	$(BIN)/python -m checks.site --lighthouse

screenshots: install system-deps ## Full-page screenshots of the public pages (390/1280 px, light/dark) into .local/shots/
	$(BIN)/python -m checks.screenshots

# The package check (tests/deploy), the CDK tests (tests/infra) and axe + Nu (tests/blog/test_site_checks.py)
# run with the rest.
pytest: install system-deps deploy-deps checks-deps
	$(BIN)/pytest

test: lint typecheck infra-lint api-conformance pytest ## Lint, type-check, lint the templates, run every test (emulator, handlers, browser, schemathesis)

# schemathesis against /api/openapi.json on a throwaway stack: every check, a bounded number of
# examples per operation (a few minutes); fails on any failure. Options: tests/conformance/schemathesis.toml.
api-conformance: install ## schemathesis against the API and its OpenAPI document (0 failures expected)
	$(BIN)/python -m tests.conformance.schemathesis_run

# --- Deployment (issue 6): the Lambda package and the CDK app, both checked offline ----------------
$(VENV)/.infra-installed: requirements/infra.txt | $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements/infra.txt
	touch $@

infra/node_modules/.package-lock.json: infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund --loglevel=error

# The CDK's jsii runtime warns loudly on node 20; the synth itself works.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

deploy-deps: $(VENV)/.infra-installed ## CDK packages, and binutils (objdump) for the package's glibc check
	@command -v objdump >/dev/null || { $(APT) update -qq && $(APT) install -y -qq binutils >/dev/null; }

package: install deploy-deps ## Build the Lambda package offline (zappa package production) and check it
	$(BIN)/python -m tools.lambda_package

STAGE ?= production
deploy: package infra/node_modules/.package-lock.json ## Deploy everything to AWS, in order, idempotently: make deploy STAGE=production
	$(BIN)/python -m tools.deploy --stage $(STAGE)

# checkov pins older boto3/botocore than the app: its own virtualenv (requirements/checkov.txt).
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed: requirements/checkov.txt | $(BIN)/python
	$(BIN)/python -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements/checkov.txt
	touch $@

# cfn-lint and checkov on the synthesized templates. W3005 (a DependsOn that a GetAtt already implies)
# is how CDK writes bucket notifications and Firehose roles: harmless, and not ours to change.
# checkov fails on any finding; the ones we accept are skipped in infra/ with a reason each
# (infra.nag.checkov_skip). --skip-download: offline, no guideline download.
infra-lint: install deploy-deps $(CHECKOV_VENV)/.installed ## cfn-lint and checkov on the synthesized CloudFormation templates
	rm -rf .local/templates && $(BIN)/python -m tools.synth .local/templates
	$(BIN)/cfn-lint --ignore-checks W3005 -- .local/templates/*.template.json
	$(CHECKOV_VENV)/bin/checkov --directory .local/templates --framework cloudformation --compact --quiet \
		--skip-download --output cli

infra-synth: install deploy-deps infra/node_modules/.package-lock.json ## cdk synth with the pinned 2.x aws-cdk CLI
	cd infra && CDK_DISABLE_CLI_TELEMETRY=true ./node_modules/.bin/cdk synth --quiet --no-notices


bench-deps: ## Debian's libvips for bench/renditions.py's pyvips side-by-side (bench only, never packaged)
	@ldconfig -p | grep -q libvips.so.42 || { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends libvips42 >/dev/null; }

bench: install bench-deps ## Benchmarks: figures and ratios against baselines measured in the same run
	$(BIN)/python -m bench

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) .local staticfiles .venv-package $(CHECKOV_VENV) dist infra/cdk.out
