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

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all]'
	$(BIN)/python -m ipykernel install --sys-prefix --name pophealth --display-name "Python (pophealth)"
	touch $(STAMP)

## Debian packages the tests need (Chromium for browser tests and PDFs, Java for Spark).
system-deps:
	bash scripts/system-deps.sh

## The main job on the built-in demo system.
demo: install
	$(BIN)/pophealth demo

# nbval re-executes the analyst notebooks, the workshop views and the committed demo board
# report and quarterly update: headline cells (tagged nbval-check-output) must give the same
# text as committed.
NBVAL := $(BIN)/python -m pytest --nbval-lax --nbval-current-env \
	--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 -p no:cacheprovider
NOTEBOOKS := notebooks/0*.ipynb notebooks/workshop.ipynb notebooks/facilitator.ipynb

## Every test: unit (two workers), browser, notebooks under nbval, lint.
test: install system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile tests
	$(NBVAL) $(NOTEBOOKS) reports/demo/board-report.ipynb reports/demo/quarterly-update.ipynb
	$(BIN)/python -m ruff check toolkit tests benchmarks notebooks reports

## Re-execute every notebook in place and rebuild the committed demo report.
notebooks: install
	$(BIN)/jupytext --sync notebooks/*.py reports/board_report.py reports/quarterly_update.py
	$(BIN)/python -m toolkit.report.notebook $(NOTEBOOKS)
	$(BIN)/pophealth demo

## Serve the workshop app on 127.0.0.1 (make workshop CONFIG=path/to/workshop.toml TABLES=15).
workshop: install
	$(BIN)/pophealth workshop $(if $(CONFIG),--config $(CONFIG)) $(if $(TABLES),--tables $(TABLES))

lint: install
	$(BIN)/python -m ruff check toolkit tests benchmarks notebooks reports
	$(BIN)/python -m ruff format --check toolkit tests benchmarks

format: install
	$(BIN)/python -m ruff format toolkit tests benchmarks
	$(BIN)/python -m ruff check --fix toolkit tests benchmarks

benchmarks: install
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
