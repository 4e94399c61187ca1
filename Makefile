# engram developer targets; `make check` is the one gate CI runs.
PYTHON ?= python
PACKAGES := engram

.PHONY: install fmt lint typecheck test test-fast golden bench docs check overlay

install:
	$(PYTHON) -m pip install -e '.[test,bench]'

fmt:
	$(PYTHON) -m ruff format engram server repl grammar tests benchmarks
	$(PYTHON) -m ruff check --fix engram server repl grammar tests benchmarks

lint:
	$(PYTHON) -m ruff format --check engram server repl grammar tests benchmarks
	$(PYTHON) -m ruff check engram server repl grammar tests benchmarks

# mypy cannot follow setuptools' editable finder: build a symlink overlay in which
# engram/server, engram/repl and engram/grammar sit where the wheel puts them
overlay:
	@rm -rf .typing && mkdir -p .typing/engram
	@for entry in engram/*; do ln -s ../../$$entry .typing/engram/; done
	@ln -s ../../server .typing/engram/server
	@ln -s ../../repl .typing/engram/repl
	@ln -s ../../grammar .typing/engram/grammar

typecheck: overlay
	MYPYPATH=.typing $(PYTHON) -m mypy -p engram

test:
	$(PYTHON) -m pytest

test-fast:
	$(PYTHON) -m pytest -x -q -m "not slow"

golden:
	$(PYTHON) -m pytest tests --engram-update

bench:
	$(PYTHON) -m benchmarks run --size 10000

check: lint typecheck test
