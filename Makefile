# Two entry points for a fresh machine (Python 3.11, Node 20, pip, npm):
#   make site   - install everything into .venv and js/node_modules, build the viewer, build dist/
#   make test   - the same set-up plus Debian's chromium, then every Python and JS test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VIEWER_SRC := $(shell find js/src -type f 2>/dev/null) js/build.mjs js/package.json

.PHONY: site test setup viewer browser clean bench

site: setup viewer
	$(VENV)/bin/atlasgen build

test: setup viewer browser
	$(PY) -m pytest -q
	cd js && npm test

setup: $(VENV)/.installed

# The viewer is built first: the package maps js/dist/ in as sitegen/viewer (pyproject.toml).
$(VENV)/.installed: pyproject.toml | js/dist/viewer.js
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

js/node_modules/.installed: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	touch $@

viewer: js/dist/viewer.js

js/dist/viewer.js: js/node_modules/.installed $(VIEWER_SRC)
	cd js && npm run build

# Debian's chromium for the browser tests (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

bench: setup viewer
	$(PY) benchmarks/run_all.py

clean:
	rm -rf dist .atlasgen-cache js/dist
