# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test fuzz lock lint check report glossary-report bench bench-replicas compose-check openapi clean install screenshots

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "need Python 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock file, every version pinned with its hashes (make lock to update it);
# the project itself is installed on top, without dependencies.
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Regenerate the lock files from pyproject.toml (requirements.lock: the service with its PostgreSQL driver, for
# the Docker image;
# requirements-dev.lock: the service and its tests, for make and CI).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra postgres -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra test -o requirements-dev.lock pyproject.toml

install: $(STAMP)

# The same command as the Dockerfile's CMD (tests/test_packaging.py checks that they agree).
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn --config service/gunicorn_conf.py 'service:serve()'

test: $(STAMP)
	$(BIN)/python -m pytest -q

# schemathesis for a long run (make test runs 25 cases per operation).
fuzz: $(STAMP)
	SCHEMATHESIS_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-2000} $(BIN)/python -m pytest -q tests/test_schemathesis.py

lint: $(STAMP)
	$(BIN)/ruff check glossary service tests bench deploy

check: $(STAMP)
	$(BIN)/python -m glossary check --dictionaries

report: glossary-report
glossary-report: $(STAMP)
	$(BIN)/python -m glossary report

openapi: $(STAMP)
	$(BIN)/python -m service.openapi > openapi.yaml

# The browser tests, then the README's screenshots from what they saw (needs chromium and chromium-driver).
SHOTS := search entry entry-disputed normalize docs edit-conflict
screenshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_web_browser.py
	mkdir -p docs/screenshots
	for page in $(SHOTS); do cp tests/screenshots/$$page-desktop.png tests/screenshots/$$page-phone.png docs/screenshots/; done

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench

# One replica vs three behind nginx on one PostgreSQL store (needs Debian's postgresql, nginx and nghttp2-client).
bench-replicas: $(STAMP)
	$(BIN)/python -m bench.replicas

# compose.yaml for real: needs a Docker engine, its compose plugin, h2load and POSTGRES_PASSWORD (deploy/README.md).
compose-check: $(STAMP)
	$(BIN)/python deploy/check_compose.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
