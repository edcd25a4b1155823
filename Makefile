# Rootwise: `make run` serves the API with demo data; `make test` lints and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The locks every install comes from (pinned, hashed; docs/deployment.md, "Reproducible installs").
RUNTIME_LOCK := requirements/runtime.txt
TEST_LOCK := requirements/test.txt
RUNTIME := $(VENV)/.installed-runtime
TEST_SET := $(VENV)/.installed-test

.PHONY: install lock run test lint schema report-images clients bench topology clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Plain pip, no resolver: exactly the locked releases, each checked against its hashes; then
# Rootwise itself, built with the locked setuptools. Modules are byte-compiled when first
# imported, not all of them at install (a third of the install's time).
PIP_INSTALL_LOCK = $(BIN)/python -m pip install --quiet --no-compile --require-hashes --no-deps -r

$(RUNTIME): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(PIP_INSTALL_LOCK) $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

$(TEST_SET): $(TEST_LOCK) $(RUNTIME)
	$(PIP_INSTALL_LOCK) $(TEST_LOCK)
	touch $@

# Everything `make test` needs: the runtime set and the test set.
install: $(TEST_SET)

# Both locks from pyproject.toml's ranges, resolved for Python 3.11 on every platform; the test
# set keeps the runtime set's pins. The build backend (setuptools) is locked with the runtime set,
# so that installing Rootwise itself takes nothing unlocked. `make lock` moves every pin to the
# newest release within the ranges; `make lock LOCK_UPGRADE=` keeps the pins it can.
UV_VERSION := 0.13.9
LOCK_UPGRADE ?= --upgrade
BUILD_REQUIRES = $(BIN)/python -c 'import tomllib; \
	print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))'
UV_COMPILE = $(BIN)/uv pip compile --quiet pyproject.toml - $(LOCK_UPGRADE) --universal \
	--python-version 3.11 --generate-hashes --custom-compile-command 'make lock'

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BUILD_REQUIRES) | $(UV_COMPILE) -o $(RUNTIME_LOCK)
	$(BUILD_REQUIRES) | $(UV_COMPILE) --extra test --constraint $(RUNTIME_LOCK) -o $(TEST_LOCK)

run: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(TEST_SET)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The measure link's browser tests (tests/client_portal) drive Debian's Chromium, never a
# browser Playwright downloads.
test: lint
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Regenerate the committed OpenAPI snapshot after an intended change to the contract.
schema: $(RUNTIME)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# Regenerate the PDF report's reference images (tests/reports/reference/) and
# docs/report-example.png after an intended change to the report; look at them before committing.
report-images: install
	ROOTWISE_UPDATE_REPORT_IMAGES=1 $(BIN)/pytest tests/reports/test_report_image.py

# The generated Python and TypeScript clients' workflows against a live server (part of `test`;
# the TypeScript one installs tests/typescript/package-lock.json with `npm ci` on first use).
clients: install
	$(BIN)/pytest tests/api/test_python_client.py tests/typescript

# Benchmarks print figures (recorded in docs/performance.md); they are never part of `make test`.
# The HTTP benchmarks need wrk and PostgreSQL (BENCH_DATABASE_URL); BENCH_SCALE=full for 20,000
# clients; the open-loop soak lasts BENCH_SOAK_SECONDS (300); the webhook fan-out needs Redis
# too (BENCH_REDIS_URL). See docs/performance.md.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m tests.benchmarks.exports
	$(BIN)/python -m tests.benchmarks.api_load
	$(BIN)/python -m tests.benchmarks.open_loop
	$(BIN)/python -m tests.benchmarks.webhooks_fanout

# Beyond one machine, on one (docs/deployment.md): PostgreSQL with a streaming replica,
# PgBouncer, Redis, HAProxy in front of three gunicorn instances, Celery workers and a
# scheduler; then the checks, each printed with PASS or FAIL. Needs root (installs Debian's
# pgbouncer and haproxy when missing); about three minutes. `tests/topology/run load` instead
# measures the proxy beside one instance (docs/performance.md).
topology:
	tests/topology/run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
	rm -rf tests/typescript/node_modules tests/typescript/generated tests/typescript/build
