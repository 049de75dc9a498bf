# A stand-in for postgres:16-bookworm (deploy/offline/build-images.sh): Debian's PostgreSQL 15, started by an
# entry point that honours the variables compose.yaml sets (POSTGRES_USER, POSTGRES_DB, POSTGRES_PASSWORD).
FROM jcglossary/python:3.11-bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /var/lib/postgresql/data /run/postgresql \
    && chown postgres /var/lib/postgresql/data /run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
EXPOSE 5432
CMD ["postgres-entrypoint.sh"]
