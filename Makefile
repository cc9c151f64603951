# The two commands of the README. Each does its own set-up on a fresh machine:
# a virtual environment in .venv with the project and its test tools installed,
# Debian's Chromium (PDFs of the briefs, browser tests) and axe-core in node_modules/.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium

.PHONY: book test setup chromium clean

# Official series are optional snapshots: taken from the local mirror when there is one.
MIRROR ?= ../shared/data

book: $(STAMP) chromium
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(VENV)/bin/briefs build

# The outputs lock records the briefs as built with the official series, so the tests take them
# from the mirror first (tests that need them absent use copies without them); tests/test_lock.py
# is `briefs check`: every brief run afresh and compared with the committed lock.
test: $(STAMP) chromium $(AXE)
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(VENV)/bin/python -m pytest

setup: $(STAMP) chromium $(AXE)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's Chromium, never Playwright's own browser download (it needs the network).
# Without root it cannot be installed here: `briefs build` then skips the PDFs and the
# browser tests fail, both saying why.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; \
	  else \
	    echo "note: $(CHROMIUM) is missing and installing it needs root (apt-get install chromium fonts-liberation)"; \
	  fi; \
	fi

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund
	touch $(AXE)

clean:
	rm -rf build
