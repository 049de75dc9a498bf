"""A throwaway PostgreSQL server for the tests: initdb into a temporary directory, pg_ctl start on a free loopback
port, stopped (and deleted) at the end of the session.

The binaries come from Debian's ``postgresql`` package (/usr/lib/postgresql/*/bin), or wherever ``pg_config
--bindir`` or PATH finds ``initdb``. PostgreSQL refuses to run as root: as root the server runs as the ``postgres``
user the package creates (through ``runuser``). ``GLOSSARY_TEST_POSTGRES=postgresql://...`` uses a server that
already runs instead (it must let the user create databases).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.test_packaging import _free_port


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True)
    if not candidates and shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        candidates = [str(Path(out) / "initdb")] if out else []
    if not candidates and shutil.which("initdb"):
        candidates = [shutil.which("initdb")]
    found = [Path(c).parent for c in candidates if Path(c).exists() and (Path(c).parent / "pg_ctl").exists()]
    return found[0] if found else None


def _version_key(path: str) -> tuple:
    part = Path(path).parent.parent.name
    return tuple(int(x) for x in part.split(".") if x.isdigit())


class PostgresServer:
    """One server; :meth:`new_database` gives each test its own empty database."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="glossary-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            if not shutil.which("runuser"):
                raise RuntimeError("running as root and no runuser to start PostgreSQL as another user")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
        data, log = self.dir / "data", self.dir / "server.log"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                  "--locale=C.UTF-8")
        # fsync off: a throwaway server (the durability of PostgreSQL is not what these tests test).
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off")
        self.base = f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.as_user, str(self.bindir / tool), *args], capture_output=True, text=True,
                              timeout=120, cwd=self.dir)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def new_database(self, encoding: str = "") -> str:
        """A new, empty database (``encoding``: another than the server's default, such as SQL_ASCII)."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.base + "/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" ENCODING '{encoding}' TEMPLATE template0" if encoding else ""))
        return f"{self.base}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class ExistingServer:
    def __init__(self, url: str):
        self.base = url.rstrip("/").rsplit("/", 1)[0] if url.count("/") > 2 else url

    def new_database(self, encoding: str = "") -> str:
        """A new, empty database (``encoding``: another than the server's default, such as SQL_ASCII)."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.base + "/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" ENCODING '{encoding}' TEMPLATE template0" if encoding else ""))
        return f"{self.base}/{name}"

    def stop(self) -> None:
        pass
