"""Fuzz the JSON API with schemathesis against a freshly loaded demo (``make fuzz``).

    python scripts/fuzz_api.py [--max-examples N]

Loads the demo organization into a scratch database (a temporary SQLite file, or — when
DATABASE_URL points at PostgreSQL — a scratch database created and dropped on that server),
gives the demo's quality manager an API token, serves the product with its production settings
on a free loopback port (the same harness as bench/load.py) and
runs ``schemathesis run`` over every operation of ``/api/v1/openapi.json`` (coverage, fuzzing
and stateful phases) in its deterministic mode, so every run sends the same cases.
It fails on any server error, undocumented status, or response that breaks its schema.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

# the load benchmark's harness: scratch database with the demo, real server on loopback
from bench.load import HOST, free_port, prepare_database, start_server, stop_server  # noqa: E402

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=30, help="cases per operation")
    args = parser.parse_args()
    db = os.environ.get("DATABASE_URL", "")
    pg_name = None
    with tempfile.TemporaryDirectory(prefix="sqms-fuzz-") as tmp:
        # the per-token rate limit (tested on its own) would turn most generated cases into 429s
        env = {**os.environ, "SQMS_VAR_DIR": tmp, "SQMS_API_RATE_PER_TOKEN": "1000000"}
        if db.startswith(("postgres://", "postgresql://")):
            pg_name = f"sqms_fuzz_{os.getpid()}"
            env["DATABASE_URL"] = urlunsplit(urlsplit(db)._replace(path=f"/{pg_name}"))
        server = None
        try:
            print("== loading the demo", flush=True)
            prepare_database(env, Path(tmp), locale="en")
            token = _token(env)
            port = free_port()
            log = Path(tmp) / "server.log"
            server = start_server(env, port, None, log)
            schema = f"http://{HOST}:{port}/api/v1/openapi.json"
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
                print("== server log (last lines)\n" + log.read_text()[-4000:], file=sys.stderr)
            return run.returncode
        finally:
            if server is not None:
                stop_server(server)
            if pg_name:
                _pg_admin(db, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
