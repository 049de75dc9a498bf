# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test fuzz lint check report glossary-report bench openapi clean install

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "need Python 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The same command as the Dockerfile's CMD (tests/test_packaging.py checks that they agree).
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn --config service/gunicorn_conf.py 'service:create_app()'

test: $(STAMP)
	$(BIN)/python -m pytest -q

# schemathesis for a long run (make test runs 25 cases per operation).
fuzz: $(STAMP)
	SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-2000} $(BIN)/python -m pytest -q tests/test_schemathesis.py

lint: $(STAMP)
	$(BIN)/ruff check glossary service tests bench

check: $(STAMP)
	$(BIN)/python -m glossary check --dictionaries

report: glossary-report
glossary-report: $(STAMP)
	$(BIN)/python -m glossary report

openapi: $(STAMP)
	$(BIN)/python -m service.openapi > openapi.yaml

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
