# kzunrest: `make run` sets up and runs the pipeline on seeds/; `make test` sets up and runs the tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
SEEDS ?= seeds
OUT ?= datasets

.PHONY: setup run test lint bench server chromium clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

run: setup
	$(VENV)/bin/kzunrest run --seeds $(SEEDS) --out $(OUT)

test: setup chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

# The browser tests drive Debian's Chromium (never a browser Playwright downloads): install it
# from the distribution's packages when it is missing. Needs root (CI and these machines are).
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(OUT)

bench: setup
	$(VENV)/bin/python benchmarks/run.py $(BENCH)

# A local Prefect server and its UI on http://127.0.0.1:4200 for `kzunrest serve` (README: Schedules).
server: setup
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/prefect server start --host 127.0.0.1 --port 4200
