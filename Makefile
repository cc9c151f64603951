# The two commands of the README. Each does its own set-up on a fresh machine: a virtual
# environment in .venv installed from the lock files in requirements/ (every package at an
# exact version, checked against its hashes), Debian's Chromium (PDFs of the briefs, browser
# tests) and, for the tests, axe-core in node_modules/.
PYTHON ?= python3
VENV := .venv
PIP := $(VENV)/bin/python -m pip
BOOK_ENV := $(VENV)/.installed-book
TEST_ENV := $(VENV)/.installed-test
AXE := node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium-headless-shell

# The tool that writes the lock files, pinned so that every refresh resolves the same way.
UV_VERSION := 0.13.8
LOCK_TOOL := build/lock-tool
LOCK_ARGS := pyproject.toml requirements/install.in --universal --fork-strategy fewest --only-binary :all: \
	--generate-hashes --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)

.PHONY: book test setup chromium lock clean

# Official series are optional snapshots: taken from the local mirror when there is one.
MIRROR ?= ../shared/data

# The library's bytecode, written once (only what changed since): where PYTHONDONTWRITEBYTECODE
# is set, every process a build or the suite starts (each kernel, worker and `briefs` command)
# would otherwise compile the modules it imports again.
BYTECODE := $(VENV)/bin/python -m compileall -q src

book: $(BOOK_ENV) chromium
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(BYTECODE)
	$(VENV)/bin/briefs build

# The outputs lock records the briefs as built with the official series, so the tests take them
# from the mirror first (tests that need them absent use copies without them); tests/review/test_outputs_lock.py
# is `briefs check`: every brief run afresh and compared with the committed lock.
test: $(TEST_ENV) chromium $(AXE)
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(BYTECODE)
	$(VENV)/bin/python -m pytest

setup: $(TEST_ENV) chromium $(AXE)

# The book needs only what building it needs; the tests add their tools to the same versions
# (requirements/book.txt is requirements/test.txt less the test tools). pip refuses any package
# that is not in the file with a matching hash; the project itself is then built with the
# locked setuptools, so nothing unpinned is downloaded. The briefs' kernel is registered in the
# environment the ordinary way (briefs.execute.run.ensure_kernel does the same if it is missing).
define install
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes --only-binary :all: -r $(1)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(VENV)/bin/python -m ipykernel install --prefix $(VENV) --name briefs --display-name "Python (briefs)" >/dev/null
	touch $@
endef

$(BOOK_ENV): requirements/book.txt pyproject.toml
	$(call install,requirements/book.txt)

$(TEST_ENV): requirements/test.txt pyproject.toml
	$(call install,requirements/test.txt)

# Rewrite requirements/*.txt after changing a dependency in pyproject.toml; versions already
# locked stay unless needed. `make lock UPGRADE=1` moves every package to its newest allowed
# version. Needs the package index; commit the two files with the change.
lock:
	test -x $(LOCK_TOOL)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(LOCK_TOOL)/bin/uv --version | grep -q "^uv $(UV_VERSION) "
	$(LOCK_TOOL)/bin/uv pip compile $(LOCK_ARGS) --extra pdf --extra test -o requirements/test.txt
	$(LOCK_TOOL)/bin/uv pip compile $(LOCK_ARGS) --extra pdf -c requirements/test.txt -o requirements/book.txt

# Debian's Chromium, as its old headless shell (the build Playwright runs headless, lighter than
# the whole browser; see briefs.book.pdf), never Playwright's own browser download (it needs the network): with
# apt-get as root, or through sudo where it needs no password (hosted CI runners). Where it cannot
# be installed, Debian's whole Chromium serves if it is there; otherwise `briefs build` skips the
# PDFs and the browser tests fail, both saying why.
WHOLE_CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else echo "note: $(CHROMIUM) is missing and installing it needs root (apt-get install chromium-headless-shell fonts-liberation)"; exit 0; fi; \
	  { $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell fonts-liberation; } \
	  || { test -x $(WHOLE_CHROMIUM) && echo "note: chromium-headless-shell could not be installed; $(WHOLE_CHROMIUM) is used instead"; }; \
	fi

$(AXE): package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	fi
	npm ci --no-audit --no-fund
	touch $(AXE)

clean:
	rm -rf build
