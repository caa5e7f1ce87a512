# Threadline: `make run` starts the app, `make test` runs the linters and the whole suite.
# Both install from the lock files (exact versions with hashes); `make lock` regenerates them.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# The lock files are made with pip-tools for this venv's Python (3.11, Linux);
# `make lock LOCK_FLAGS=--upgrade` also moves every unpinned dependency to its newest version.
PIP_TOOLS := pip-tools==7.6.2
LOCK_FLAGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)

# axe-core for the accessibility tests (tests/test_accessibility.py), from the npm registry at
# install time, never at run time: an exact version, and the SHA-256 of the one file the tests use.
# The stamp is named by the version, so changing AXE_VERSION (and AXE_SHA256) installs it again.
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE := .tools/axe-core-$(AXE_VERSION).installed

.PHONY: run demo test lint format bench validate lock schema clean axe

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(PY) -m threadline.serve run app.py --server.port $(PORT)

# Made-up organisations in a database of their own (data/demo.db, never the real one), served
# with a "demonstration data" banner: try the peer comparison, take screenshots.
DEMO_DB := sqlite:///data/demo.db
demo: $(VENV)/.runtime
	$(PY) -m threadline.storage.demo $(DEMO_DB) questions/social-integration.yaml
	THREADLINE_DEMO=1 DATABASE_URL=$(DEMO_DB) $(PY) -m threadline.serve run app.py --server.port $(PORT)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: lint $(AXE)
	$(PY) -m pytest

axe: $(AXE)

$(AXE):
	rm -rf .tools
	npm install --silent --no-save --no-audit --no-fund --prefix .tools axe-core@$(AXE_VERSION)
	echo "$(AXE_SHA256)  .tools/node_modules/axe-core/axe.min.js" | sha256sum --check --quiet
	touch $@

bench: $(VENV)/.dev
	$(PY) -m bench

validate: $(VENV)/.runtime
	$(PY) -m scoring validate questions/*.yaml questions/examples/*.yaml

# requirements.lock from requirements.txt, then requirements-dev.lock from requirements-dev.txt
# with the runtime versions as constraints, so that both locks agree.
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet $(PIP_TOOLS)
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

# docs/engagement-document.schema.json (one round) and docs/engagement-series.schema.json (every round)
# from the models in threadline/reporting/engagement_document.py
schema: $(VENV)/.runtime
	$(PY) -m threadline.reporting.engagement_document docs/engagement-document.schema.json
	$(PY) -m threadline.reporting.series_schema docs/engagement-series.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .tools
