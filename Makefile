# Two commands do all the set-up on a fresh machine:
#   make run    start Klantapp on a demo casebook (passphrase: demo)
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo-casebook
export QT_QPA_PLATFORM ?=

.PHONY: run test lint pytest bench screenshots clean-demo

$(STAMP): pyproject.toml constraints.txt
	@bash scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@test -d $(DEMO) || KLANTAPP_PASSPHRASE=demo $(BIN)/klantapp demo $(DEMO)
	@echo "Opening the demo casebook $(DEMO)/ -- its passphrase is: demo"
	$(BIN)/klantapp gui $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q

test: lint pytest

bench: $(STAMP)
	$(BIN)/python bench/casebook_bench.py

screenshots: $(STAMP)
	KLANTAPP_PASSPHRASE=demo $(BIN)/python scripts/screenshots.py

clean-demo:
	rm -rf $(DEMO)
