# Two entry points (see README): `make run` sets up and runs the app; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests need (installed only when missing).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-calc-nogui nginx

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

.PHONY: setup
setup: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --silent

.PHONY: system
system:
	scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

.PHONY: run
run: setup
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop); nothing you enter is stored."
	$(BIN)/gunicorn --preload --bind 127.0.0.1:8000 --workers 2 --worker-class sync wsgi:app

.PHONY: serve
serve: setup
	scripts/install-system-packages.sh nginx
	scripts/serve --port $(or $(PORT),8000)

.PHONY: test
test: setup system
	$(BIN)/ruff check .
	$(BIN)/incentives tables check
	$(BIN)/python -m pytest

.PHONY: bench
bench: setup
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/workbook.py
