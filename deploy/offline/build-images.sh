#!/bin/sh
# Stand-ins, built from Debian's packages alone, for the three images compose.yaml takes from Docker Hub, for a
# machine that reaches Debian's and PyPI's mirrors but not Docker Hub (deploy/README.md). Run as root, from the
# repository's top directory: deploy/offline/build-images.sh
set -eu
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
# Python 3.11 with pip (Debian bookworm's), as python:3.11-slim has it.
debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates \
    bookworm "$rootfs" "$mirror"
rm -f "$rootfs"/usr/lib/python3.11/EXTERNALLY-MANAGED  # pip installs into the system Python, as in python:*-slim
# This machine's certificate authorities, in case its package mirrors are reached through a proxy of its own.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs"/etc/ssl/certs/ca-certificates.crt
printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' > "$rootfs"/etc/pip.conf
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
tar -C "$rootfs" -c . | docker import - jcglossary/python:3.11-bookworm
docker build -t jcglossary/postgres:bookworm -f deploy/offline/postgres.Dockerfile deploy/offline
docker build -t jcglossary/nginx:bookworm -f deploy/offline/nginx.Dockerfile deploy/offline
cat <<'DONE'
Built jcglossary/python:3.11-bookworm, jcglossary/postgres:bookworm and jcglossary/nginx:bookworm. Now:
    export PYTHON_IMAGE=jcglossary/python:3.11-bookworm POSTGRES_IMAGE=jcglossary/postgres:bookworm \
        NGINX_IMAGE=jcglossary/nginx:bookworm POSTGRES_PASSWORD=...
    docker compose up --build
DONE
