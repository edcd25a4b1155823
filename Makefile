# Rootwise: `make run` serves the API with demo data; `make test` lints and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint schema report-images clients bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The measure link's browser tests (tests/client_portal) drive Debian's Chromium, never a
# browser Playwright downloads.
test: lint
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Regenerate the committed OpenAPI snapshot after an intended change to the contract.
schema: install
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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
	rm -rf tests/typescript/node_modules tests/typescript/generated tests/typescript/build
