# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Windows users without make: see README.md for the same steps as plain commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: install system-deps demo test unit nbval lint format notebooks benchmarks workshop clean

## Create .venv if missing, install the toolkit with every extra, register its Jupyter kernel.
install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]'
	$(BIN)/python -m ipykernel install --sys-prefix --name pophealth --display-name "Python (pophealth)"
	touch $(STAMP)

## Debian packages the tests need (Chromium for browser tests and PDFs, Java for Spark).
system-deps:
	bash scripts/system-deps.sh

## The main job on the built-in demo system.
demo: install
	$(BIN)/pophealth demo

## Every test: unit, notebooks under nbval, browser.
test: install system-deps
	$(BIN)/python -m pytest tests
	$(BIN)/python -m ruff check toolkit tests benchmarks

## Serve the workshop app on 127.0.0.1 (make workshop CONFIG=path/to/workshop.toml).
workshop: install
	$(BIN)/pophealth workshop $(if $(CONFIG),--config $(CONFIG))

lint: install
	$(BIN)/python -m ruff check toolkit tests benchmarks
	$(BIN)/python -m ruff format --check toolkit tests benchmarks

format: install
	$(BIN)/python -m ruff format toolkit tests benchmarks
	$(BIN)/python -m ruff check --fix toolkit tests benchmarks

benchmarks: install
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
