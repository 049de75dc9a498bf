# The glossary service: gunicorn over the Flask app, the curated glossary baked in.
# python:3.11-slim pinned by digest: the image does not change under us. Update it deliberately
# (docker buildx imagetools inspect python:3.11-slim). PYTHON_IMAGE names another Python 3.11 image with pip
# (a mirror's copy, or one built where Docker Hub is out of reach: deploy/README.md).
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    GLOSSARY_SEEDS=/app/seeds \
    GLOSSARY_REFERENCE=/app/reference.sqlite3 \
    GLOSSARY_DB=/data/glossary.db

WORKDIR /app
# Dependencies from the lock file (pinned, hashes checked), then the project without dependencies.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY glossary ./glossary
COPY service ./service
COPY seeds ./seeds
# The reference layer (JMnedict, CC-CEDICT) compiled once into the image, not on the first request.
RUN pip install --no-cache-dir --no-deps . \
    && python -m glossary reference \
    && useradd --create-home --uid 10001 glossary \
    && mkdir /data && chown 10001 /data

# The store (created from /app/seeds on first start; edits through the API land here): keep it on a volume.
VOLUME ["/data"]

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/v1/health', timeout=2)"]
# The same entry point as `make run`.
CMD ["gunicorn", "--config", "service/gunicorn_conf.py", "service:serve()"]
