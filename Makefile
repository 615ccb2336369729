# Two commands for a fresh machine: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXTRAS := dev,postgres,notify,distributed

.PHONY: venv demo test lint bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[$(EXTRAS)]'
	touch $@

demo: venv
	$(BIN)/govwatch demo

test: venv
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check crawler monitor tests benchmarks
	$(BIN)/mypy

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
