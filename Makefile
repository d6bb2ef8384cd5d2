# Two entry points (see README): `make run` sets up and serves the app; `make test` sets up and runs the tests.
# `make run` installs Python packages into .venv only; npm, apt and the test tools are for `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests need (installed only when missing).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-calc-nogui nginx redis-server

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# This checkout in editable mode, with the app's packages (run) or also the test tools (test).
# Stamp files: reinstalled when the package definition changes. setuptools' editable install always emits an
# informational "Editable installation" notice (InformationOnly, nothing wrong with the package): it is filtered
# so that a real build warning stands out.
EDITABLE_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e

$(VENV)/.installed-app: pyproject.toml setup.py | $(BIN)/python
	$(EDITABLE_INSTALL) .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(EDITABLE_INSTALL) '.[test]'
	touch $@

# axe-core from npm, for the browser tests' accessibility scan only.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

.PHONY: setup
setup: $(VENV)/.installed-app

.PHONY: setup-test
setup-test: $(VENV)/.installed-test node_modules/.installed

.PHONY: system
system:
	scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

.PHONY: run
run: setup
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop); nothing you enter is stored."
	$(BIN)/gunicorn --config python:calculator.gunicorn_conf --preload --workers 2 --bind 127.0.0.1:8000 'calculator.app:create_app()'

.PHONY: serve
serve: setup
	scripts/install-system-packages.sh nginx
	scripts/serve --port $(or $(PORT),8000)

.PHONY: test
test: setup-test system
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/incentives tables check
	$(BIN)/python -m pytest

.PHONY: bench
bench: setup
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/workbook.py
