# Alur: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: install catalogs messages run test lint bench clean assets

# Reinstall whenever the dependencies change.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Alur needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) catalogs

# The interface's Indonesian and English catalogs (.po in git, .mo built here).
catalogs: $(STAMP)
	$(BIN)/python -m server.i18n

# After changing interface texts: refresh the catalogs, then translate the new entries in
# server/translations/id/LC_MESSAGES/messages.po.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -o server/translations/messages.pot .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations

run: install
	$(BIN)/alur db upgrade
	$(BIN)/alur demo
	$(BIN)/alur serve --port $(PORT)

lint: install
	$(BIN)/lint-imports

test: lint
	bash .ci/ensure-chromium
	$(BIN)/python -m pytest

# SQLite always; PostgreSQL too when ALUR_BENCH_DATABASE_URL names a scratch database (bench/README.md).
bench: install
	$(BIN)/python -m bench.engine_vs_service $(if $(ALUR_BENCH_DATABASE_URL),,--no-postgres)

# The modeler's bundle (static/modeler/dist, committed) from the pinned npm packages; needs npm and
# the network, which `make run` and `make test` never do (static/modeler/README.md).
assets:
	cd static/modeler && npm ci --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) instance test-output .pytest_cache
