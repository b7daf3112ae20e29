# The README's two commands are `make serve` and `make test`; both install what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= var/store

.PHONY: install serve build validate test pytest lint typecheck format clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

serve: build
	$(BIN)/awardgraph serve --store $(STORE)

build: install
	$(BIN)/awardgraph build --store $(STORE)

validate: install
	$(BIN)/awardgraph validate

test: install lint typecheck pytest

pytest: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
