"""Fuzz the JSON API with schemathesis against a freshly loaded demo (``make fuzz``).

    python scripts/fuzz_api.py [--max-examples N]

Loads the demo organization into a scratch database (a temporary SQLite file, or — when
DATABASE_URL points at PostgreSQL — a scratch database created and dropped on that server),
gives the demo's quality manager an API token, serves the product on a free loopback port and
runs ``schemathesis run`` over every operation of ``/api/v1/openapi.json`` (coverage, fuzzing
and stateful phases) in its deterministic mode, so every run sends the same cases.
It fails on any server error, undocumented status, or response that breaks its schema.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _token(env: dict[str, str]) -> str:
    code = (
        "from django.contrib.auth import get_user_model;"
        "from sqms.core import actions;"
        "u = get_user_model().objects.filter(profile__role='quality_manager').order_by('pk')[0];"
        "print(actions.do_create_api_token(u, 'fuzz', acting_user=u, channel='cli')[1])"
    )
    out = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def _wait(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — loopback only
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30, help="cases per operation")
    args = parser.parse_args()
    db = os.environ.get("DATABASE_URL", "")
    pg_name = None
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="sqms-fuzz-"))
        if db.startswith(("postgres://", "postgresql://")):
            pg_name = f"sqms_fuzz_{os.getpid()}"
            url = urlunsplit(urlsplit(db)._replace(path=f"/{pg_name}"))
            _pg_admin(db, f'CREATE DATABASE "{pg_name}"')
        else:
            url = f"sqlite:///{tmp}/fuzz.sqlite3"
        # the per-token rate limit (tested on its own) would turn most generated cases into 429s
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SQMS_VAR_DIR": tmp,
            "SQMS_DEBUG": "true",
            "SQMS_API_RATE_PER_TOKEN": "1000000",
        }
        server = None
        try:
            print("== loading the demo", flush=True)
            subprocess.run(
                [str(BIN / "sqms"), "demo", "--no-serve", "--locale", "en"],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            token = _token(env)
            port = _free_port()
            log = stack.enter_context(open(f"{tmp}/server.log", "w"))
            server = subprocess.Popen(
                [str(BIN / "sqms"), "serve", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            schema = f"http://127.0.0.1:{port}/api/v1/openapi.json"
            _wait(schema, server)
            print(f"== schemathesis over {schema}", flush=True)
            run = subprocess.run(
                [
                    str(BIN / "schemathesis"), "run", schema,
                    "-H", f"Authorization: Bearer {token}",
                    "--checks", CHECKS,
                    "--max-examples", str(args.max_examples),
                    "--generation-deterministic",
                    "--continue-on-failure",
                    "--suppress-health-check", "all",
                ],
                cwd=ROOT, env=env, check=False,
            )  # fmt: skip
            if run.returncode != 0:
                log = Path(f"{tmp}/server.log").read_text()[-4000:]
                print("== server log (last lines)\n" + log, file=sys.stderr)
            return run.returncode
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if pg_name:
                _pg_admin(db, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
