#!/bin/sh
# First start: a UTF-8 cluster (as the official image makes) whose superuser is $POSTGRES_USER (password $POSTGRES_PASSWORD, asked of every client
# over TCP) with a database $POSTGRES_DB, as the official image's entry point makes. Then the server.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-postgres} db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
chown postgres "$PGDATA" /run/postgresql
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile" && chown postgres "$pwfile"
    su postgres -c "initdb -D '$PGDATA' -U '$user' --encoding=UTF8 --locale=C.UTF-8 --pwfile='$pwfile' --auth-local=trust --auth-host=scram-sha-256"
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    su postgres -c "pg_ctl -D '$PGDATA' -o '-c listen_addresses=' -w start"
    [ "$db" = postgres ] || su postgres -c "psql -v ON_ERROR_STOP=1 -U '$user' -d postgres -c 'CREATE DATABASE \"$db\"'"
    su postgres -c "pg_ctl -D '$PGDATA' -m fast -w stop"
fi
exec su postgres -c "exec postgres -D '$PGDATA' -c listen_addresses='*'"
