# Two commands for a newcomer: `make site` (set up + build) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site test check lint fonts browser clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

## Set everything up and build site/ (and datasets/packages/)
site: $(STAMP) fonts
	$(PY) build.py

## Run the whole test suite on both cores, a test file per worker (installs Chromium for the browser tests if missing)
test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) build.py check
	$(PY) -m pytest -n 2 --dist loadfile

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NOTO := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

## Debian's Noto Sans CJK: the build subsets it into the site's font (planpub/font.py)
fonts:
	@test -f $(NOTO) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; }

## Debian's Chromium (and the CJK font), for the browser tests and screenshots
browser: fonts
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

clean:
	rm -rf site build .cache
