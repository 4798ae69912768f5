# The first two commands on a fresh machine are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system-deps run web-assets test lint format bench clean

setup: $(STAMP)

# setup.py and the C source: `pip install -e .` compiles the batch kernel (src/demozone/_fastcard.c).
$(STAMP): requirements.lock pyproject.toml setup.py src/demozone/_fastcard.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The web platform's front-end packages (htmx, ECharts, Bulma) come from npm, served locally.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

web-assets: $(NODE_STAMP)

# Migrate, load the demo campaign if the database is empty, create `admin`, then serve with
# gunicorn on 127.0.0.1:8000 (DEMOZONE_PORT changes the port).
run: setup $(NODE_STAMP)
	$(BIN)/python -m demozone.web.manage bootstrap
	$(BIN)/python -m demozone.web.manage serve

# Debian packages the reports and browser tests need (LibreOffice, CJK fonts, poppler); idempotent.
system-deps:
	bash scripts/system-deps.sh

# Everything on SQLite on both cores, then the web and browser tests again on a throw-away
# PostgreSQL cluster started from the machine's binaries and removed afterwards, pass or fail
# (scripts/pg-test-server.sh). --dist loadgroup keeps the browser tests on one worker where xdist
# can (not on pytest 9.2: pytest-xdist#1386); their fixtures are safe on both workers anyway.
# DEMOZONE_E2E_REQUIRED: here a missing chromium fails the run instead of skipping the browser tests.
test: setup system-deps lint $(NODE_STAMP)
	DEMOZONE_E2E_REQUIRED=1 $(BIN)/python -m pytest -n 2 --dist loadgroup -q
	DEMOZONE_E2E_REQUIRED=1 bash scripts/pg-test-server.sh \
		$(BIN)/python -m pytest -n 2 --dist loadgroup -q tests/web tests/e2e

# mypy --strict on the whole package. django-stubs' plugin imports the settings, which create the
# data dir and a secret key in it: they get a throw-away dir, not the checkout's var/.
lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	dir=$$(mktemp -d) && DEMOZONE_DATA_DIR=$$dir DEMOZONE_SECRET_KEY=mypy $(BIN)/mypy; \
		status=$$?; rm -rf "$$dir"; exit $$status

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# bench_http.py: the dashboard of a full campaign under 20 concurrent clients (Debian's wrk) against
# the production server, beside a trivial view; loopback only, bounded in requests and time.
bench: setup system-deps $(NODE_STAMP)
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_package.py
	$(BIN)/python bench/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
