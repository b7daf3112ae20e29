# The README's two commands are `make serve` and `make test`; both install what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= var/store

.PHONY: install assets serve build validate test pytest lint typecheck format docs clean bench bench-venv ckan-venv

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The query editor of /sparql: YASGUI pinned in editor/package-lock.json, copied into the app's static folder.
# Without npm (or without the registry) this says so and /sparql keeps its plain form.
EDITOR_ASSETS := src/awardgraph/web/static/vendor/yasgui/VERSION

assets: $(EDITOR_ASSETS)

$(EDITOR_ASSETS): editor/package.json editor/package-lock.json editor/copy-assets.mjs
	@if command -v npm >/dev/null 2>&1; then \
		(cd editor && npm ci --no-audit --no-fund --ignore-scripts && node copy-assets.mjs) \
		|| echo "could not build the query editor's assets: /sparql serves its plain form"; \
	else echo "npm not found: /sparql serves its plain query form (install Node.js 20 and npm for the editor)"; fi

serve: build assets
	$(BIN)/awardgraph serve --store $(STORE)

build: install
	$(BIN)/awardgraph build --store $(STORE)

validate: install
	$(BIN)/awardgraph validate

test: install assets lint typecheck pytest

pytest: install assets ckan-venv
	$(BIN)/pytest

# ckanext-dcat's own RDF parser, which tests/harvest/test_ckan.py runs over /dataset: CKAN and its extensions from
# PyPI in a venv of their own (their pins conflict with the project's), exactly as tests/harvest/ckan-requirements.txt
# lists them.
CKAN_VENV ?= .venv-ckan

ckan-venv: $(CKAN_VENV)/.installed

$(CKAN_VENV)/.installed: tests/harvest/ckan-requirements.txt
	$(PYTHON) -m venv $(CKAN_VENV)
	$(CKAN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CKAN_VENV)/bin/python -m pip install --quiet --no-deps -r tests/harvest/ckan-requirements.txt
	touch $@

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# The README's command table and the docs' settings tables, made again from the CLI and Settings
# (tests/unit/test_docs_tables.py fails while they differ).
docs: install
	$(BIN)/python -m awardgraph.commands.docs_tables --write

# The benchmark (benchmarks/README.md): `make bench SIZE=100000 BENCH_ARGS="--keep"`. The peers (Oxigraph server,
# rdflib-endpoint) go into their own venv; Virtuoso is used when `virtuoso-t` is installed, wrk when `wrk` is.
SIZE ?= 100000
BENCH_VENV ?= benchmarks/.venv
BENCH_ARGS ?=

bench-venv: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed: benchmarks/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

bench: install bench-venv
	$(BIN)/python benchmarks/harness.py --size $(SIZE) --bench-venv $(BENCH_VENV) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(CKAN_VENV) var .pytest_cache .mypy_cache .ruff_cache editor/node_modules src/awardgraph/web/static/vendor
