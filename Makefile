# Every target bootstraps its own virtualenv (.venv), so on a fresh machine
# `make demo` and `make test` are the only commands a user needs.

PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench mutate sandbox clean chromium

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "orderbridge needs Python 3.11 or newer on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/orderbridge demo

sandbox: $(STAMP)
	$(BIN)/orderbridge sandbox

# Three workers (pytest-xdist): most tests wait on servers and subprocesses, not the CPU.
test: $(STAMP) chromium
	$(BIN)/pytest -n 3

# The browser tests drive the system Chromium (Debian's package; Playwright downloads nothing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src tests
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/sandbox_throughput.py
	$(BIN)/python bench/orders.py
	$(BIN)/python bench/crash.py
	$(BIN)/python bench/return_path.py
	$(BIN)/python bench/shipments.py --compare-sequential
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/fuzz.py
	$(BIN)/python bench/chaos.py
	$(BIN)/python bench/readme_figures.py

# Mutation testing of the pure policy modules ([tool.mutmut] in pyproject.toml): a few
# minutes; prints the mutants that survived (none expected but the two documented in README).
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mutants
