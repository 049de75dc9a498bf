# The glossary service: gunicorn over the Flask app, the curated glossary baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    GLOSSARY_SEEDS=/app/seeds

WORKDIR /app
COPY pyproject.toml README.md ./
COPY glossary ./glossary
COPY service ./service
COPY seeds ./seeds
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 glossary

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/v1/health', timeout=2)"]
# The same entry point as `make run`.
CMD ["gunicorn", "--config", "service/gunicorn_conf.py", "service:create_app()"]
