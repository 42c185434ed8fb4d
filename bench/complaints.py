"""Benchmark of the complaint pages at scale: whole HTTP requests (login session → rendered
HTML) against a naive ORM loop that builds the same page in Python, in the same run.

    python bench/complaints.py [--scale small|full]      (DATABASE_URL=postgresql://… adds PG)

The organization is the demo's (24 stores × scale); complaints are written by the history
writer (``sqms.complaints.history.insert_history``: policy, deadlines and breach marks as for
live complaints) over the past year, 3 % of them still open. Timed, as the quality manager
(every site) and as one store's manager:

* the complaint list, first page (sorted by date, with the total count);
* the list filtered by category and status view "open", and a text search;
* one complaint's page (timeline, deadlines, history).

Baseline: the same first page computed the way a hand-written view without the list
machinery would — load every complaint in scope with its site and category, filter and sort
in Python, take 25. Results in bench/results/complaints-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCALES = {
    "small": {"complaints": 100_000, "stores_scale": 1},
    "full": {"complaints": 1_000_000, "stores_scale": 4},
}
OPEN_SHARE = 0.03


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["SQMS_DEBUG"] = "false"
    os.environ["SQMS_SSL_REDIRECT"] = "false"  # loopback test client, no TLS
    os.environ.setdefault("SQMS_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ.setdefault("SQMS_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    os.environ.setdefault("SQMS_VAR_DIR", tempfile.mkdtemp(prefix="sqms-bench-var-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production static files


def _generate(n: int, stores_scale: int) -> dict[str, object]:
    import datetime as dt
    import io
    import random

    from django.utils import timezone

    from sqms.complaints.choices import Source, Status
    from sqms.complaints.clocks import compute, refresh_clocks
    from sqms.complaints.history import HistoricalComplaint, insert_history
    from sqms.complaints.models import Category, Complaint, SlaPolicy, customer_key
    from sqms.demo import load

    ctx = load.DemoContext(
        locale="zh-hans", scale=stores_scale, seed=7, out=io.StringIO(), rng=random.Random(7)
    )
    load._load_org(ctx)
    rng = random.Random(11)
    cats = list(Category.objects.all())
    policy = SlaPolicy.objects.get(is_default=True)
    now = timezone.now()
    t = time.perf_counter()
    written = 0
    chunk = 20_000
    while written < n:
        rows, live = [], []
        for _ in range(min(chunk, n - written)):
            site = rng.choice(ctx.sites)
            received = now - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            data = {
                "site": site,
                "channel": rng.choice(["phone", "in_person", "web_form"]),
                "category": rng.choice(cats),
                "severity": rng.choice(["low", "medium", "high"]),
                "description": f"排队太久 waited {rng.randrange(5, 60)} minutes at the till",
                "customer_name": "王女士",
                "customer_contact": f"1{rng.randrange(3_000_000_000, 9_999_999_999)}",
                "received_at": received,
            }
            if rng.random() < OPEN_SHARE:
                c = Complaint(source=Source.STAFF, status=Status.NEW, policy=policy, **data)
                c.summary = c.description[:80]
                c.customer_key = customer_key(c.customer_contact)
                refresh_clocks(c, compute(c, now, pauses=[]))
                live.append(c)
            else:
                hours = rng.lognormvariate(1.0, 0.7)
                rows.append(
                    HistoricalComplaint(
                        data=data,
                        source=Source.IMPORT,
                        status=Status.CLOSED,
                        first_response_after=dt.timedelta(hours=hours / 3),
                        resolved_after=dt.timedelta(hours=hours * 4),
                        closed_after=dt.timedelta(hours=hours * 4 + 24),
                        resolution="ok",
                    )
                )
        insert_history(rows)
        Complaint.objects.bulk_create(live, batch_size=2000)
        written += len(rows) + len(live)
        print(f"  {written:,} complaints …", file=sys.stderr, flush=True)
    return {
        "complaints": Complaint.objects.count(),
        "stores": len(ctx.sites),
        "generate_s": round(time.perf_counter() - t, 1),
        "users": ctx.users,
        "site": ctx.sites[0],
    }


def _timed(fn, repeat: int = 7) -> dict[str, float]:  # type: ignore[no-untyped-def]
    fn()  # warm caches (templates, translations, query plans)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def _naive_first_page(user, **flt) -> list:  # type: ignore[no-untyped-def]
    """Every complaint in scope loaded and filtered, sorted and paged in Python."""
    from sqms.complaints.choices import OPEN_STATUSES
    from sqms.complaints.models import Complaint

    rows = list(Complaint.objects.restrict(user, "view").select_related("site", "category"))
    if "category" in flt:
        rows = [c for c in rows if c.category_id == flt["category"]]
    if flt.get("open"):
        rows = [c for c in rows if c.status in OPEN_STATUSES]
    if "q" in flt:
        rows = [c for c in rows if flt["q"] in c.summary or flt["q"] in c.description]
    rows.sort(key=lambda c: (c.received_at, c.pk), reverse=True)
    return [(c.reference, c.site.code, c.category.label if c.category else "") for c in rows[:25]]


def worker(args: argparse.Namespace) -> None:
    _setup(args.db_url)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from sqms.complaints.models import Category, Complaint

    cfg = SCALES[args.scale]
    info = _generate(cfg["complaints"], cfg["stores_scale"])
    users = info.pop("users")
    site = info.pop("site")
    category = Category.objects.get(code="WAITING")
    complaint = Complaint.objects.filter(site=site).order_by("-received_at").first()
    assert complaint is not None
    result: dict[str, object] = {"engine": connection.vendor, **info}
    lst = reverse("complaints:list")
    pages = {
        "list": (lst, {}),
        "list_category_open": (lst, {"category": category.pk, "view": "open"}),
        "list_search": (lst, {"q": "waited 17"}),
        "detail": (complaint.get_absolute_url(), {}),
    }
    naive = {
        "list": {},
        "list_category_open": {"category": category.pk, "open": True},
        "list_search": {"q": "waited 17"},
    }
    for who in ("quality", "store.manager"):
        client = Client()
        client.force_login(users[who])
        timings: dict[str, object] = {}
        for name, (url, params) in pages.items():

            def get(url=url, params=params, client=client):  # type: ignore[no-untyped-def]
                response = client.get(url, params)
                assert response.status_code == 200, (url, response.status_code)
                return response

            timings[name] = _timed(get)
        for name, flt in naive.items():
            user = users[who]
            base = _timed(lambda flt=flt, user=user: _naive_first_page(user, **flt), repeat=3)
            timings[f"{name}_naive"] = base
            timings[f"{name}_speedup"] = round(
                base["median_ms"] / max(timings[name]["median_ms"], 0.01),
                1,  # type: ignore[index]
            )
        result[who] = timings
    print("RESULT " + json.dumps(result, default=str))


def _pg_scratch(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = f"sqms_bench_complaints_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=list(SCALES), default="full")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results: dict[str, object] = {
        "scale": args.scale,
        "complaints": SCALES[args.scale]["complaints"],
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "engines": [],
    }
    with tempfile.TemporaryDirectory(prefix="sqms-bench-complaints-") as tmp:
        engines = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3", None)]
        pg = os.environ.get("DATABASE_URL", "")
        if pg.startswith(("postgres://", "postgresql://")):
            scratch, name = _pg_scratch(pg)
            engines.append(("postgresql", scratch, name))
        for label, url, pg_name in engines:
            if pg_name:
                _pg_admin(pg, f'CREATE DATABASE "{pg_name}"')
            try:
                cmd = [sys.executable, __file__, "--worker", "--scale", args.scale, "--db-url", url]
                print(f"== {label}: generating and timing …", file=sys.stderr, flush=True)
                proc = subprocess.run(
                    cmd, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True
                )
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    raise SystemExit(f"bench worker for {label} failed")
                line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
                res = json.loads(line[7:])
                results["engines"].append(res)  # type: ignore[attr-defined]
                print(json.dumps(res, indent=1), file=sys.stderr)
            finally:
                if pg_name:
                    _pg_admin(pg, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    if not args.no_write:
        out = ROOT / "bench" / "results" / f"complaints-{args.scale}.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
