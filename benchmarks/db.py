"""Where the benchmark database lives: the default database's server, a database of its own.

The default server is whatever the project would use (DATABASE_URL, or the embedded PostgreSQL
under .data/pg); the benchmark never writes to the default database itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg2
from psycopg2.extensions import connection

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "mobile_members_bench"
#: Set by run.py once it has pointed Django at the benchmark database, so that a nested call
#: does not mistake the benchmark URL for the default one.
_DEFAULT_CONFIG: dict[str, Any] | None = None


def default_config() -> dict[str, Any]:
    """The default database's settings dict, as the project computes it (starts embedded PG)."""
    global _DEFAULT_CONFIG
    if _DEFAULT_CONFIG is None:
        from config.database import database_config

        _DEFAULT_CONFIG = database_config(BASE_DIR)
    return _DEFAULT_CONFIG


def bench_url(config: dict[str, Any] | None = None) -> str:
    """A DATABASE_URL for the benchmark database on the default database's server."""
    config = config or default_config()
    user = quote(config.get("USER") or "", safe="")
    password = quote(config.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(config.get("HOST") or "")
    port = config.get("PORT") or ""
    # OPTIONS carries sslmode etc. of a real server; a Unix-socket directory (the embedded
    # server's) cannot be a URL's host, so it goes in the query string too, where
    # dj_database_url reads it back from.
    options = {k: v for k, v in (config.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    if host.startswith("/"):
        options["host"], host = host, ""
    netloc = f"{auth}{host}" + (f":{port}" if port else "")
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{netloc}/{BENCH_DB_NAME}{query}"


def connect(dbname: str, config: dict[str, Any] | None = None) -> connection:
    config = config or default_config()
    params: dict[str, Any] = {
        "dbname": dbname,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    params.update(config.get("OPTIONS") or {})
    return psycopg2.connect(**{k: v for k, v in params.items() if v is not None})


def ensure_database(config: dict[str, Any] | None = None) -> bool:
    """Create the benchmark database if missing; True if it was created."""
    config = config or default_config()
    # Any existing database will do to issue CREATE DATABASE; the configured one may not exist
    # yet (a fresh server), the maintenance database "postgres" almost always does.
    try:
        conn = connect("postgres", config)
    except psycopg2.OperationalError:
        conn = connect(config.get("NAME") or "postgres", config)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB_NAME])
            if cur.fetchone() is not None:
                return False
            cur.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
            return True
    finally:
        conn.close()


def bench_environ(config: dict[str, Any] | None = None) -> dict[str, str]:
    """Environment for a subprocess (manage.py migrate) that must act on the benchmark DB."""
    env = dict(os.environ)
    env["DATABASE_URL"] = bench_url(config)
    return env
