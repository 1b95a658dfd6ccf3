# Two commands for a newcomer: `make site` (set up + build) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site test check lint browser clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

## Set everything up and build site/ (and datasets/packages/)
site: $(STAMP)
	$(PY) build.py

## Run the whole test suite (installs Chromium for the browser tests if it is missing)
test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) build.py --check
	$(PY) -m pytest

## Debian's Chromium and a CJK font, for the browser tests and screenshots
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

clean:
	rm -rf site build .cache
