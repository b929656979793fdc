# Two commands do all the set-up on a fresh machine:
#   make run    start Klantapp on a demo casebook (passphrase: demo)
#   make test   lint, type-check and run the whole test suite
#   make package / make windows   the Linux bundle and .deb / the Windows bundle, NSIS
#               installer and MSI (built under Wine); make smoke-package / smoke-windows
#               test them (packaging/README.md)
# CPython 3.13 (else 3.12): see scripts/find-python.sh for why not 3.11. The .venv runs
# on the SQLite the frozen builds ship (scripts/dev-sqlite.sh), compiled once.
PYTHON ?= $(shell bash scripts/find-python.sh)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SQLITE := build/sqlite/linux/libsqlite3.so.0
DEMO   := demo-casebook
export QT_QPA_PLATFORM ?=

.PHONY: run test lint pytest bench screenshots clean-demo package windows smoke-package smoke-windows

$(STAMP): pyproject.toml constraints.txt scripts/dev-sqlite.sh packaging/sqlite/build.sh \
		packaging/sqlite/source.env $(SQLITE)
	@bash scripts/system-deps.sh
	@test -n "$(PYTHON)" || { echo "make: no suitable Python (3.12 or 3.13) found" >&2; exit 1; }
	@# A .venv made with an older Python (3.11 aborts the client) is made anew.
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
		|| { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	bash scripts/dev-sqlite.sh
	@touch $(STAMP)

# Gone (a clean build/): the set-up above runs again and compiles it.
$(SQLITE):

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

# with the Linux bundle built (make package), the bench measures it too
bench: FROZEN = build/linux/dist/klantapp/klantapp
bench: $(STAMP)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/casebook_bench.py $(if $(wildcard $(FROZEN)),--frozen $(FROZEN))

screenshots: $(STAMP)
	KLANTAPP_PASSPHRASE=demo $(BIN)/python scripts/screenshots.py

clean-demo:
	rm -rf $(DEMO)

package: $(STAMP)
	@bash scripts/system-deps.sh package
	bash packaging/linux/build.sh

smoke-package:
	bash packaging/smoke.sh "the Linux bundle" build/linux/dist/klantapp/klantapp
	bash packaging/linux/smoke-deb.sh

windows: $(STAMP)
	@bash scripts/system-deps.sh windows
	bash packaging/windows/build.sh

smoke-windows:
	bash packaging/windows/smoke.sh
