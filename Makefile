# The two commands: `make run` and `make test`. Everything they need is installed from here.
# `make test` tests what users install: the pure and the compiled wheels, each in a brand-new environment.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CVENV := .venv-compiled
CPY := $(CVENV)/bin/python
PVENV := .venv-pure
PPY := $(PVENV)/bin/python
# the package folders, in dependency order: tools/workspace.py holds the one list
PACKAGES := $(shell $(PYTHON) tools/workspace.py)
TEST_DIRS := $(PACKAGES:%=packages/%/tests)
PYTEST_ARGS ?= -q -p no:cacheprovider --timeout=300
# the wheels' suites run on every core (pytest-xdist, from octobot's test extra): TEST_WORKERS=0 runs serially
TEST_WORKERS ?= auto
WHEEL_PYTEST_ARGS := $(PYTEST_ARGS) -n $(TEST_WORKERS)
# the browser tests fail (not skip) without Chromium; their screenshots are kept under reports/
export OCTOBOT_REQUIRE_BROWSER := 1
SCREENSHOTS ?= $(CURDIR)/reports/web-screenshots
PIP_QUIET := PIP_DISABLE_PIP_VERSION_CHECK=1
# make run: the user data folder of the demo run, where it may give data (DATA=file), and the real data
RUN_HOME ?= $(CURDIR)/.octobot
DATA ?=
SHARED_DATA ?= $(abspath $(CURDIR)/../shared/data)
REPORT ?= reports/default-backtest.html

.PHONY: help browser install lint format test test-pure test-compiled test-dev soak pure-env compiled-env wheels dist-check \
	run bench clean

help:
	@echo "make run     backtest of the default profile on real data, with its report (DATA=file to choose)"
	@echo "make test    lint, then every package's tests on the pure and on the compiled wheels, each installed"
	@echo "             in a brand-new environment (.venv-pure without Cython, .venv-compiled)"
	@echo "make test-dev  every package's tests on the editable install (.venv), while developing"
	@echo "make soak    a long soak of the live account on the exchange emulator (SOAK_ROUNDS, SOAK_SEED)"
	@echo "make bench   every package's benchmarks, pure and compiled side by side"
	@echo "make wheels  sdist + pure wheel + compiled wheel per package into dist/, twine-checked"
	@echo "make install / lint (ruff, mypy) / format / clean"

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(PIP_QUIET) $(VPY) -m pip install --quiet --upgrade pip

# the web interface's browser tests drive headless Chromium from Debian's packages (never a downloaded
# browser): installed here when missing, a no-op when present
BROWSER_PACKAGES := chromium chromium-driver
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if command -v apt-get >/dev/null; then \
	    $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -q $(BROWSER_PACKAGES); \
	  else echo "make: install Chromium and its chromedriver ($(BROWSER_PACKAGES) on Debian)"; exit 1; fi; \
	fi

install: browser $(VENV)/.installed
$(VENV)/.installed: $(VPY) tools/requirements-dev.txt $(wildcard packages/*/pyproject.toml)
	$(PIP_QUIET) $(VPY) -m pip install --quiet -r tools/requirements-dev.txt
	$(VPY) tools/install.py --python $(VPY) --editable --extras test
	touch $@

lint: install
	$(VPY) -m ruff check .
	$(VPY) -m ruff format --check .
	$(VPY) -m mypy
	$(VPY) tools/check_cython.py
	$(VPY) tools/check_cibuildwheel.py

format: install
	$(VPY) -m ruff check --fix .
	$(VPY) -m ruff format .

test: lint test-pure test-compiled dist-check
	@echo "make test: all passed (pure and compiled wheels)"

# development: the tests on the editable install, package by package
test-dev: install
	@for pkg in $(PACKAGES); do \
	  echo "=== $$pkg (editable) ==="; \
	  OCTOBOT_SCREENSHOTS=$(SCREENSHOTS)/dev OCTOBOT_EXPECT_COMPILED=0 \
	    $(VPY) -m pytest packages/$$pkg/tests $(PYTEST_ARGS) || exit 1; \
	done

# the soak of `make test` (a few rounds), long: seeded random faults, the live invariants after each round
SOAK_ROUNDS ?= 200
SOAK_SEED ?= 20261203
soak: install
	OCTOBOT_SOAK_ROUNDS=$(SOAK_ROUNDS) OCTOBOT_SOAK_SEED=$(SOAK_SEED) OCTOBOT_EXPECT_COMPILED=0 \
	  $(VPY) -m pytest packages/emulator/tests/test_soak.py -q -p no:cacheprovider --timeout=0

wheels: install
	$(VPY) tools/build_wheels.py

# a brand-new environment without Cython holding the pure py3-none-any wheels of every package
pure-env: wheels
	rm -rf $(PVENV)
	$(PYTHON) -m venv $(PVENV)
	$(PIP_QUIET) $(PPY) -m pip install --quiet --upgrade pip
	$(PPY) tools/install.py --python $(PPY) --from-dist --pure --extras test
	$(PPY) tools/check_pure.py

# every package's tests in one pytest call on the installed pure wheels, then the backtest of `make run`
test-pure: pure-env
	@echo "=== $(PACKAGES) (pure wheels) ==="
	OCTOBOT_SCREENSHOTS=$(SCREENSHOTS)/pure OCTOBOT_EXPECT_COMPILED=0 OCTOBOT_EXPECT_INSTALLED=1 \
	  $(PPY) -m pytest $(TEST_DIRS) $(WHEEL_PYTEST_ARGS)
	rm -rf $(PVENV)/home
	OCTOBOT_HOME=$(PVENV)/home $(PVENV)/bin/octobot backtest --profile default \
	  $(if $(DATA),--data $(DATA),--data-dir $(SHARED_DATA)) --html $(PVENV)/default-backtest.html

# a brand-new environment holding what `pip install octobot` gives, from the freshly built wheels
compiled-env: wheels
	rm -rf $(CVENV)
	$(PYTHON) -m venv $(CVENV)
	$(PIP_QUIET) $(CPY) -m pip install --quiet --upgrade pip
	$(CPY) tools/install.py --python $(CPY) --from-dist --extras test,bench
	$(CPY) tools/check_compiled.py

test-compiled: compiled-env
	@echo "=== $(PACKAGES) (compiled wheels) ==="
	OCTOBOT_SCREENSHOTS=$(SCREENSHOTS)/compiled OCTOBOT_EXPECT_COMPILED=1 OCTOBOT_EXPECT_INSTALLED=1 \
	  $(CPY) -m pytest $(TEST_DIRS) $(WHEEL_PYTEST_ARGS)

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
	rm -rf $(VENV) $(CVENV) .venv-* dist build .pytest_cache .ruff_cache .mypy_cache .octobot reports
	rm -rf packages/*/build packages/*/*.egg-info
	find packages -name '*.so' -delete -o -name '*.pyd' -delete -o -name '*.c' -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
