"""Load benchmark: N concurrent customers on the public CSAT form against the real `sqms serve`.

    python bench/load.py --customers 200                 # SQLite (a fresh demo database)
    DATABASE_URL=postgresql://postgres@127.0.0.1:55432/sqms_load python bench/load.py
    python bench/load.py --customers 1000 --burst        # everyone at the same instant

What it does, all on 127.0.0.1 and bounded in count and time:
1. builds a fresh demo database (the PostgreSQL database named in DATABASE_URL is dropped and
   created again; a SQLite file goes in a temporary folder);
2. starts `sqms serve` (gunicorn, production settings) on a free loopback port, with the
   public-form rate limits raised so they do not interfere;
3. runs N customers at once. Each opens the form (GET /s/<slug>/), fills it in and submits it
   (POST, with the CSRF cookie and token as a browser sends them). A share replays the POST
   after it succeeded (back button + resend), a share double-clicks (two POSTs at once);
4. counts what the database stored: each customer's one-time token must point at exactly one
   stored response, and the campaign must have exactly N more responses.

By default the customers arrive over --ramp seconds and take --think seconds to fill in the
form (a person needs a few seconds for one question), so all N sessions are open at the same
time, as at a till; --burst removes both (every GET at one instant, every POST right after).
Latency is per HTTP request, measured by the client, which shares the machine's cores with the
server. Results go to bench/results/load-<database>-<N>[-burst].json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_INPUT = re.compile(r'name="token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def prepare_database(env: dict[str, str], workdir: Path, locale: str = "zh-hans") -> str:
    """Load the demo into a fresh database: the PostgreSQL one DATABASE_URL names (dropped and
    created again), or a new SQLite file in ``workdir``. Returns "postgresql" or "sqlite"."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if parts.hostname not in (HOST, "localhost"):
            raise SystemExit("bench/load.py talks to a database on 127.0.0.1 only.")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        kind = "postgresql"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'load.sqlite3'}"
        kind = "sqlite"
    subprocess.run(
        [sys.executable, "-m", "sqms.cli", "demo", "--no-serve", "--locale", locale],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )
    return kind


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    import django

    django.setup()


def pick_link() -> tuple[str, int, dict[str, str]]:
    """The public link of the demo's CSAT campaign at one store, and a valid set of answers."""
    from sqms.surveys.models import CampaignSite

    link = (
        CampaignSite.objects.select_related("campaign__instrument")
        # A link without a quota: the benchmark measures the server, not the quota.
        .filter(campaign__instrument__code="CSAT", campaign__status="open", quota__isnull=True)
        .order_by("pk")
        .first()
    )
    if link is None:
        raise SystemExit("The demo has no open CSAT campaign link without a quota.")
    answers: dict[str, str] = {}
    for q in link.campaign.instrument.questions.all():
        if q.scale_max is not None:
            for key in q.answer_keys():
                answers[key] = str(q.scale_max)
        elif q.required and q.options:
            answers[q.code] = str(q.options[0]["value"])
    return link.slug, link.campaign_id, answers


def count_stored(campaign_id: int, tokens: list[str]) -> dict[str, int]:
    from django.db import connection

    from sqms.surveys.models import Response, SubmissionToken

    connection.close()  # a fresh connection sees every committed row
    used = SubmissionToken.objects.filter(token__in=tokens, used_at__isnull=False)
    return {
        "responses": Response.objects.filter(campaign_id=campaign_id).count(),
        "tokens_used": used.count(),
        "tokens_with_response": used.filter(response__isnull=False).count(),
        "distinct_responses": used.values("response").distinct().count(),
    }


def start_server(
    env: dict[str, str], port: int, workers: int | None, log: Path
) -> subprocess.Popen[bytes]:
    server_env = dict(
        env,
        SQMS_DEBUG="false",
        SQMS_SECRET_KEY="load-benchmark-key-" + "x" * 40,
        SQMS_ALLOWED_HOSTS=HOST,
        SQMS_SSL_REDIRECT="false",
        SQMS_PUBLIC_RATE_PER_IP="1000000",
        SQMS_PUBLIC_RATE_PER_CAMPAIGN="1000000",
        SQMS_SERVER_LOG_LEVEL="warning",
    )
    if workers:
        server_env["SQMS_WORKERS"] = str(workers)
    command = [sys.executable, "-m", "sqms.cli", "serve", f"{HOST}:{port}"]
    proc = subprocess.Popen(
        command,
        env=server_env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The server stopped at start-up; see {log}.")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("The server did not start within 60 s.")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Customer:
    """One person at the till: open the form, fill it in, send it (and maybe again)."""

    def __init__(self, run: Run, rng: random.Random) -> None:
        self.run = run
        self.delay = 0.0 if run.burst else rng.uniform(0, run.ramp)
        self.think = 0.0 if run.burst else rng.uniform(*run.think)
        share = rng.random()
        self.behaviour = (
            "replay"
            if share < run.replay_share
            else "double"
            if share < run.replay_share + run.double_share
            else "once"
        )
        self.token = ""
        self.outcome = "not started"

    def request(
        self, method: str, path: str, body: str = "", cookie: str = ""
    ) -> tuple[int, str, str]:
        headers = {"Host": f"{HOST}:{self.run.port}", "User-Agent": "sqms-load-bench"}
        if cookie:
            headers["Cookie"] = cookie
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.run.port, timeout=self.run.request_timeout)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            set_cookie = resp.getheader("Set-Cookie") or ""
        except (ConnectionResetError, BrokenPipeError) as exc:
            self.run.error(f"connection reset ({type(exc).__name__})")
            raise
        except ConnectionRefusedError:
            self.run.error("connection refused")
            raise
        except TimeoutError:
            self.run.error("timeout")
            raise
        except (OSError, http.client.HTTPException) as exc:
            self.run.error(f"connection error ({type(exc).__name__})")
            raise
        finally:
            conn.close()
        self.run.latency(method, time.perf_counter() - started)
        if resp.status >= 400:
            self.run.error(f"HTTP {resp.status}")
        return resp.status, text, set_cookie

    def __call__(self) -> None:
        try:
            self.run.start.wait()
            time.sleep(self.delay)
            path = f"/s/{self.run.slug}/?lang=zh"
            status, html, set_cookie = self.request("GET", path)
            csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
            csrf_field = CSRF_INPUT.search(html)
            token = TOKEN_INPUT.search(html)
            if status != 200 or not (csrf_cookie and csrf_field and token):
                self.outcome = "form not served"
                return
            self.token = token.group(1)
            self.run.register(self.token)
            body = urlencode(
                {"csrfmiddlewaretoken": csrf_field.group(1), "token": self.token, "lang": "zh"}
                | self.run.answers
            )
            cookie = f"csrftoken={csrf_cookie.group(1)}"
            time.sleep(self.think)
            if self.behaviour == "double":
                second = threading.Thread(target=self.post_quietly, args=(path, body, cookie))
                second.start()
                status, _html, _ = self.request("POST", path, body, cookie)
                second.join()
            else:
                status, _html, _ = self.request("POST", path, body, cookie)
                if self.behaviour == "replay" and status == 302:
                    status, _html, _ = self.request("POST", path, body, cookie)
            self.outcome = "submitted" if status == 302 else f"POST answered {status}"
        except (OSError, http.client.HTTPException):
            self.outcome = "connection error"

    def post_quietly(self, path: str, body: str, cookie: str) -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            self.request("POST", path, body, cookie)


class Run:
    def __init__(
        self, args: argparse.Namespace, port: int, slug: str, answers: dict[str, str]
    ) -> None:
        self.port = port
        self.slug = slug
        self.answers = answers
        self.burst = args.burst
        self.ramp = args.ramp
        self.think = (args.think_min, args.think_max)
        self.replay_share = args.replay_share
        self.double_share = args.double_share
        self.request_timeout = args.request_timeout
        self.start = threading.Event()
        self.lock = threading.Lock()
        self.errors: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = {"GET": [], "POST": []}
        self.tokens: list[str] = []

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1

    def latency(self, method: str, seconds: float) -> None:
        with self.lock:
            self.latencies[method].append(seconds)

    def register(self, token: str) -> None:
        with self.lock:
            self.tokens.append(token)


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": values[0] if values else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 4), "p95": round(cuts[94], 4), "p99": round(cuts[98], 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--burst", action="store_true", help="No ramp and no think time.")
    parser.add_argument("--ramp", type=float, default=10.0, help="Arrivals spread over seconds.")
    parser.add_argument("--think-min", type=float, default=10.0)
    parser.add_argument("--think-max", type=float, default=30.0)
    parser.add_argument("--replay-share", type=float, default=0.125)
    parser.add_argument("--double-share", type=float, default=0.125)
    parser.add_argument("--workers", type=int, default=None, help="Server workers (SQMS_WORKERS).")
    parser.add_argument("--request-timeout", type=float, default=60.0)
    parser.add_argument("--deadline", type=float, default=300.0, help="Stop the run after seconds.")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not 1 <= args.customers <= 5000:
        raise SystemExit("--customers must be between 1 and 5000.")
    threading.stack_size(256 * 1024)

    workdir = Path(tempfile.mkdtemp(prefix="sqms-load-"))
    ok = False
    env = dict(os.environ, SQMS_VAR_DIR=str(workdir / "var"), PYTHONPATH=str(ROOT))
    try:
        print("building the demo database …", flush=True)
        kind = prepare_database(env, workdir)
        django_setup(env)
        slug, campaign_id, answers = pick_link()
        before = count_stored(campaign_id, [])["responses"]
        port = free_port()
        server = start_server(env, port, args.workers, workdir / "server.log")
        try:
            run = Run(args, port, slug, answers)
            rng = random.Random(args.seed)
            customers = [Customer(run, rng) for _ in range(args.customers)]
            threads = [threading.Thread(target=c, daemon=True) for c in customers]
            for t in threads:
                t.start()
            print(f"{args.customers} customers on http://{HOST}:{port}/s/{slug}/ …", flush=True)
            started = time.perf_counter()
            run.start.set()
            deadline = started + args.deadline
            for t in threads:
                t.join(timeout=max(0.0, deadline - time.perf_counter()))
            elapsed = time.perf_counter() - started
            unfinished = sum(t.is_alive() for t in threads)
        finally:
            stop_server(server)
        stored = count_stored(campaign_id, run.tokens)
        outcomes = Counter(c.outcome for c in customers)
        new = stored["responses"] - before
        result: dict[str, Any] = {
            "database": kind,
            "customers": args.customers,
            "mode": "burst"
            if args.burst
            else f"ramp {args.ramp:g} s, think {args.think_min:g}–{args.think_max:g} s",
            "server_workers": args.workers or "default (SQMS_WORKERS)",
            "behaviours": dict(Counter(c.behaviour for c in customers)),
            "submitted": outcomes.get("submitted", 0),
            "outcomes": dict(outcomes),
            "stored": new,
            "tokens_used": stored["tokens_used"],
            "customers_stored_once": stored["distinct_responses"],
            "duplicates": new - stored["distinct_responses"],
            "errors": dict(run.errors),
            "requests": {m: len(v) for m, v in run.latencies.items()},
            "latency_s": {
                "all": percentiles(run.latencies["GET"] + run.latencies["POST"]),
                "GET": percentiles(run.latencies["GET"]),
                "POST": percentiles(run.latencies["POST"]),
            },
            "elapsed_s": round(elapsed, 2),
            "unfinished": unfinished,
            "cpus": os.cpu_count(),
        }
        ok = (
            result["submitted"] == args.customers
            and new == args.customers
            and result["duplicates"] == 0
            and not run.errors
            and not unfinished
        )
        result["verdict"] = "every submission stored exactly once" if ok else "FAILED"
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = f"load-{kind}-{args.customers}{'-burst' if args.burst else ''}.json"
        (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept for inspection (server.log inside): {workdir}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
