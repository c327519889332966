# Hearth — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint migrate demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/forum migrate

demo: migrate
	$(BIN)/forum seed-demo

run: demo
	$(BIN)/forum serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	bash tests/run-suites.sh

lint: $(STAMP)
	$(BIN)/ruff check forum tests bench

bench: $(STAMP)
	bash bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
