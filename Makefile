# Every target sets itself up: a fresh machine needs only python3 (and root for apt).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test bench fuzz clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/betaxl demo

test: $(STAMP)
	bash scripts/system-deps.sh
	$(BIN)/python -m pytest -q
	BETAXL_RUNTIME=classic $(BIN)/python -m pytest -q tests/runtimes/classic
	BETAXL_RUNTIME=officejs $(BIN)/python -m pytest -q tests/runtimes/officejs

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

fuzz: $(STAMP)
	$(BIN)/python -m tests.runtimes.fuzz --runtime classic --cases 100000
	$(BIN)/python -m tests.runtimes.fuzz --runtime officejs --cases 100000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
