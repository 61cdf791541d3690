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

# The linter, then the three suites, one after another, each in its own process (an
# xlwings runtime is chosen at import), every one of them even when an earlier one fails;
# then a summary, and the exit status is non-zero if any failed.
PYTEST      ?= $(BIN)/python -m pytest
RUFF        ?= $(BIN)/ruff
SYSTEM_DEPS ?= bash scripts/system-deps.sh

test: $(STAMP)
	$(SYSTEM_DEPS)
	@failed=0; summary=""; \
	run() { name=$$1; shift; echo "== $$name suite =="; \
	        if "$$@"; then summary="$$summary$$name: passed\n"; \
	        else code=$$?; failed=1; summary="$$summary$$name: FAILED (exit $$code)\n"; fi; }; \
	run lint $(RUFF) check betaxl; \
	run main env -u BETAXL_RUNTIME $(PYTEST) -q; \
	run classic env BETAXL_RUNTIME=classic $(PYTEST) -q tests/runtimes/classic; \
	run officejs env BETAXL_RUNTIME=officejs $(PYTEST) -q tests/runtimes/officejs; \
	printf "== make test ==\n$$summary"; \
	exit $$failed

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

fuzz: $(STAMP)
	$(BIN)/python -m tests.runtimes.fuzz --runtime classic --cases 100000
	$(BIN)/python -m tests.runtimes.fuzz --runtime officejs --cases 100000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
