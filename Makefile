# The two commands of the README. Each does its own set-up on a fresh machine:
# a virtual environment in .venv with the project and its test tools installed.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: book test setup clean

# Official series are optional snapshots: taken from the local mirror when there is one.
MIRROR ?= ../shared/data

book: $(STAMP)
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(VENV)/bin/briefs build

# The outputs lock records the briefs as built with the official series, so the check pulls them too.
test: $(STAMP)
	$(VENV)/bin/python -m pytest
	if [ -d "$(MIRROR)" ]; then $(VENV)/bin/briefs data pull --mirror "$(MIRROR)"; fi
	$(VENV)/bin/briefs check

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build
