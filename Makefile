# The two commands a new user needs are `make demo` and `make test`; both prepare .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
FRONT_STAMP := frontend/node_modules/.installed
export EHSAAS_HOME := $(CURDIR)

.PHONY: setup demo test lint bench serve worker messages clean

setup: $(STAMP) $(FRONT_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(FRONT_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	DEBUG=true $(BIN)/ehsaas migrate --no-input
	DEBUG=true $(BIN)/ehsaas demo-data --households 20000
	DEBUG=true $(BIN)/ehsaas db_worker --interval 1 --no-startup-delay > var/worker.log 2>&1 & \
	  echo $$! > var/worker.pid; \
	  trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true $(BIN)/ehsaas runserver 127.0.0.1:$(PORT)

test: export DJANGO_SETTINGS_MODULE := tests.settings
test: export PYTHONPATH := $(CURDIR)
test: setup lint
	$(BIN)/ehsaas makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: setup
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py

messages: setup
	cd src/ehsaas && ../../$(BIN)/ehsaas makemessages -l ur --no-obsolete && ../../$(BIN)/ehsaas compilemessages -v 0

clean:
	rm -rf $(VENV) frontend/node_modules var/static
