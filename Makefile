# The two commands: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CVENV := .venv-compiled
CPY := $(CVENV)/bin/python
PACKAGES := channel trading evaluators backtesting emulator octobot
PYTEST_ARGS ?= -q -p no:cacheprovider --timeout=300
PIP_QUIET := PIP_DISABLE_PIP_VERSION_CHECK=1
# make run: the user data folder of the demo run, where it may give data (DATA=file), and the real data
RUN_HOME ?= $(CURDIR)/.octobot
DATA ?=
SHARED_DATA ?= $(abspath $(CURDIR)/../shared/data)
REPORT ?= reports/default-backtest.html

.PHONY: help install lint format test test-pure test-compiled compiled-env wheels dist-check run bench clean

help:
	@echo "make run     backtest of the default profile on real data, with its report (DATA=file to choose)"
	@echo "make test    lint, then every package's tests on the pure and on the compiled build"
	@echo "make bench   every package's benchmarks, pure and compiled side by side"
	@echo "make wheels  sdist + pure wheel + compiled wheel per package into dist/, twine-checked"
	@echo "make install / lint / format / clean"

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(PIP_QUIET) $(VPY) -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: $(VPY) tools/requirements-dev.txt $(wildcard packages/*/pyproject.toml)
	$(PIP_QUIET) $(VPY) -m pip install --quiet -r tools/requirements-dev.txt
	$(VPY) tools/install.py --python $(VPY) --editable --extras test
	touch $@

lint: install
	$(VPY) -m ruff check .
	$(VPY) -m ruff format --check .

format: install
	$(VPY) -m ruff check --fix .
	$(VPY) -m ruff format .

test: lint test-pure test-compiled dist-check
	@echo "make test: all passed (pure and compiled builds)"

test-pure: install
	@for pkg in $(PACKAGES); do \
	  echo "=== $$pkg (pure) ==="; \
	  OCTOBOT_EXPECT_COMPILED=0 $(VPY) -m pytest packages/$$pkg/tests $(PYTEST_ARGS) || exit 1; \
	done

wheels: install
	$(VPY) tools/build_wheels.py

# a brand-new environment holding what `pip install octobot` gives, from the freshly built wheels
compiled-env: wheels
	rm -rf $(CVENV)
	$(PYTHON) -m venv $(CVENV)
	$(PIP_QUIET) $(CPY) -m pip install --quiet --upgrade pip
	$(CPY) tools/install.py --python $(CPY) --from-dist --extras test,bench
	$(CPY) tools/check_compiled.py

test-compiled: compiled-env
	@for pkg in $(PACKAGES); do \
	  echo "=== $$pkg (compiled) ==="; \
	  OCTOBOT_EXPECT_COMPILED=1 $(CPY) -m pytest packages/$$pkg/tests $(PYTEST_ARGS) || exit 1; \
	done

dist-check: wheels
	$(VPY) tools/check_dist.py

# a backtest of the default profile on real recorded candles: DATA=file, else the first suitable file of
# $(RUN_HOME)/data or $(SHARED_DATA) (imported once); prints the text report and writes the HTML one
run: install
	OCTOBOT_HOME=$(RUN_HOME) $(VENV)/bin/octobot backtest --profile default \
	  $(if $(DATA),--data $(DATA),--data-dir $(SHARED_DATA)) --html $(REPORT)

bench: compiled-env
	$(PIP_QUIET) $(VPY) tools/install.py --python $(VPY) --editable --extras test,bench
	$(VPY) tools/bench.py --pure $(VPY) --compiled $(CPY)

clean:
	rm -rf $(VENV) $(CVENV) .venv-* dist build .pytest_cache .ruff_cache .octobot reports
	rm -rf packages/*/build packages/*/*.egg-info
	find packages -name '*.so' -delete -o -name '*.pyd' -delete -o -name '*.c' -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
