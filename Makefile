# Hearth — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every package the project installs, pinned (`make lock` rewrites it from the venv).
LOCK := constraints.txt
PIP := $(BIN)/python -m pip --disable-pip-version-check
AXE := tests/a11y/node_modules/axe-core/axe.min.js

.PHONY: run test bench lint migrate demo clean lock eval-crisis train-crisis

# The build backend comes from the lock too, so the editable install needs no build isolation.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --constraint $(LOCK) --upgrade "pip>=25.1" hatchling
	$(PIP) install --quiet --constraint $(LOCK) --no-build-isolation -e . --group dev
	touch $(STAMP)

# After changing the dependencies in pyproject.toml (and installing them): pin what the venv
# has of them (tools/lock.py follows the requirements; strays in the venv are left out).
lock:
	test -x $(BIN)/python || { echo "no $(VENV) yet: run make $(STAMP) first"; exit 1; }
	$(BIN)/python tools/lock.py > $(LOCK).new && mv $(LOCK).new $(LOCK)
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/forum migrate

demo: migrate
	$(BIN)/forum seed-demo

run: demo
	$(BIN)/forum serve --host 127.0.0.1 --port 8000

test: lint $(AXE)
	bash tests/run-suites.sh

# axe-core for the accessibility check (tests/e2e/test_accessibility.py), from the npm
# registry at the version its lock file pins.
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Two hosts on this machine (network namespaces) serving one forum from one PostgreSQL and
# one Redis of the test's own (docs/deploy.md, "Several hosts"). Needs root, iproute2,
# PostgreSQL's initdb and redis-server; `make test` runs it too, in the SQLite pass.
.PHONY: test-cluster
test-cluster: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -q tests/e2e/test_cluster.py

# Style, types (mypy --strict on forum/) and the layer contracts (.importlinter).
lint: $(STAMP)
	$(BIN)/ruff check forum tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports .importlinter

bench: $(STAMP)
	bash bench/run.sh $(BENCH_ARGS)

# Crisis detection on the labelled corpus (docs/crisis-labelling.md): dev and the frozen test split.
eval-crisis: $(STAMP)
	$(BIN)/python tools/crisis_eval.py

# Fit the learned crisis model on the train split (dev picks its thresholds): needs scikit-learn.
train-crisis: $(STAMP)
	$(PIP) install --quiet --group train
	$(BIN)/python tools/train_crisis_model.py

clean:
	rm -rf $(VENV) var tests/a11y/node_modules .pytest_cache .ruff_cache .mypy_cache dist
