"""Complaint-report benchmark: the overview and Pareto queries against a naive ORM loop.

    python bench/complaints_reports.py                 # 200,000 complaints, 48 stores
    python bench/complaints_reports.py --scale small   # 20,000 complaints, 24 stores

For each database engine (SQLite always; PostgreSQL too when DATABASE_URL points at one, in a
scratch database created and dropped on that server), in its own process:

(a) builds N complaints quickly with ``bulk_create`` (12 months of 2025, random site,
    category, severity, channel; 90 % answered, 75 % resolved with a root cause, a share
    breached, repeat customers) and a transaction volume per site and month (one month left
    empty per site) — not through the actions, which is what makes N = 200,000 affordable;
(b) times the overview (``reports.overview.overview_report``) and the Pareto of categories and
    root causes (``reports.pareto``) as a quality manager for the whole chain, one region and
    one site — median of 5 runs after a warm-up;
(c) times the baseline on the same rows in the same run: a plain ORM loop over every
    complaint of the selection (``select_related`` site and category, ``.iterator()``) that
    computes the same figures in Python, and checks they equal the report's;
(d) reports the ratio baseline / report.

Results in bench/results/complaints_reports.json (full) or complaints_reports-small.json.
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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCALES = {
    "small": {"complaints": 20_000, "stores": 24},
    "full": {"complaints": 200_000, "stores": 48},
}
REGIONS = 4


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["SQMS_DEBUG"] = "false"
    os.environ.setdefault("SQMS_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ.setdefault("SQMS_ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _org(stores: int) -> tuple[list[Any], list[Any], Any]:
    from sqms.core import actions
    from sqms.core.choices import Channel, Role

    cli = Channel.CLI
    regions = [
        actions.do_create_region(
            {"code": f"R{i}", "name": f"Region {i}"}, acting_user=None, channel=cli
        )
        for i in range(REGIONS)
    ]
    sites = [
        actions.do_create_site(
            {
                "region": regions[i % REGIONS],
                "code": f"S{i:03d}",
                "name": f"Store {i}",
                "city": "上海",
            },
            acting_user=None,
            channel=cli,
        )
        for i in range(stores)
    ]
    qm = actions.do_create_user(
        username="bench-qm", password=None, role=Role.QUALITY_MANAGER, acting_user=None, channel=cli
    )
    return regions, sites, qm


def _build(n: int, sites: list[Any], seed: int = 2026) -> dict[str, float]:
    import random
    from datetime import UTC, date, datetime, timedelta

    from django.db import transaction

    from sqms.complaints.choices import IntakeChannel, RootCause, Severity, Source, Status
    from sqms.complaints.models import Category, Complaint, SlaPolicy, TransactionVolume

    r = random.Random(seed)
    cats = list(Category.objects.all())
    policy = SlaPolicy.objects.get(is_default=True)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    span = 365 * 24 * 3600
    channels, severities = IntakeChannel.values, Severity.values
    causes = RootCause.values
    customers = [f"{i:032x}" for i in range(n // 3)]
    weights = [1.0 / (k + 1) for k in range(len(cats))]  # a Pareto-like category mix
    site_weights = [1.0 / (k + 1) ** 0.5 for k in range(len(sites))]
    started = time.perf_counter()
    batch: list[Complaint] = []
    with transaction.atomic():
        for i in range(n):
            received = t0 + timedelta(seconds=r.randrange(span))
            answered = r.random() < 0.9
            resolved = answered and r.random() < 0.75
            fr = received + timedelta(hours=r.expovariate(1 / 3.0)) if answered else None
            rs = fr + timedelta(hours=r.expovariate(1 / 20.0)) if resolved and fr else None
            status = Status.CLOSED if rs else (Status.INVESTIGATING if fr else Status.NEW)
            batch.append(
                Complaint(
                    site=r.choices(sites, site_weights)[0],
                    source=Source.DEMO,
                    channel=r.choice(channels),
                    category=r.choices(cats, weights)[0] if r.random() < 0.95 else None,
                    severity=r.choice(severities),
                    status=status,
                    summary=f"Complaint {i}",
                    description="bench",
                    customer_key=r.choice(customers) if r.random() < 0.6 else "",
                    policy=policy,
                    received_at=received,
                    first_response_at=fr,
                    resolved_at=rs,
                    closed_at=rs,
                    response_due_at=None if fr else received + timedelta(hours=4),
                    resolution_due_at=None if rs else received + timedelta(hours=24),
                    response_breached_at=received + timedelta(hours=4)
                    if fr and fr - received > timedelta(hours=4)
                    else None,
                    resolution_breached_at=received + timedelta(hours=24)
                    if rs and rs - received > timedelta(hours=24)
                    else None,
                    root_cause=r.choice(causes) if rs else "",
                )
            )
            if len(batch) == 5000:
                Complaint.objects.bulk_create(batch)
                batch = []
        if batch:
            Complaint.objects.bulk_create(batch)
        vols = []
        for k, site in enumerate(sites):
            for m in range(1, 13):
                if m != 1 + k % 12:  # one month of each site without a volume
                    vols.append(
                        TransactionVolume(
                            site=site,
                            period=date(2025, m, 1),
                            transactions=r.randrange(2000, 40000),
                        )
                    )
        TransactionVolume.objects.bulk_create(vols)
    return {"build_s": round(time.perf_counter() - started, 2)}


def _timed(fn: Any, repeat: int = 5) -> dict[str, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}


def _naive(user: Any, f: Any, now: Any) -> dict[str, Any]:
    """The same figures from a loop over every complaint of the selection."""
    import numpy as np
    from django.utils import timezone

    from sqms.complaints.choices import OPEN_STATUSES
    from sqms.complaints.reports.selection import complaints

    tz = timezone.get_current_timezone()
    per_site_month: dict[tuple[int, Any], int] = {}
    resp = {"met": 0, "breached": 0, "running": 0}
    reso = {"met": 0, "breached": 0, "running": 0}
    resp_h: list[float] = []
    reso_h: list[float] = []
    cats: dict[str, int] = {}
    roots: dict[str, int] = {}
    backlog = 0
    for c in complaints(user, f).select_related("site", "category").iterator(chunk_size=5000):
        month = c.received_at.astimezone(tz).date().replace(day=1)
        key = (c.site_id, month)
        per_site_month[key] = per_site_month.get(key, 0) + 1
        for out, end, breached_at, due in (
            (resp, c.first_response_at, c.response_breached_at, c.response_due_at),
            (reso, c.resolved_at, c.resolution_breached_at, c.resolution_due_at),
        ):
            if breached_at is not None or (end is None and due is not None and due < now):
                out["breached"] += 1
            elif end is not None:
                out["met"] += 1
            else:
                out["running"] += 1
        if c.first_response_at:
            resp_h.append((c.first_response_at - c.received_at).total_seconds() / 3600)
        if c.resolved_at:
            reso_h.append((c.resolved_at - c.received_at).total_seconds() / 3600)
        if c.category is not None:
            cats[str(c.category_id)] = cats.get(str(c.category_id), 0) + 1
        if c.root_cause:
            roots[c.root_cause] = roots.get(c.root_cause, 0) + 1
        backlog += c.status in OPEN_STATUSES  # (the selections have no period)
    return {
        "total": sum(per_site_month.values()),
        "response": resp,
        "resolution": reso,
        "response_median": float(np.quantile(resp_h, 0.5)) if resp_h else None,
        "resolution_p90": float(np.quantile(reso_h, 0.9)) if reso_h else None,
        "categories": cats,
        "roots": roots,
        "backlog": backlog,
    }


def worker(args: argparse.Namespace) -> None:
    _setup(args.db_url)
    from datetime import UTC, datetime

    from django.db import connection

    from sqms.complaints.reports.overview import overview_report
    from sqms.complaints.reports.pareto import category_pareto, root_cause_pareto
    from sqms.complaints.reports.selection import ComplaintFilters

    cfg = SCALES[args.scale]
    regions, sites, qm = _org(cfg["stores"])
    result: dict[str, Any] = {"engine": connection.vendor, "stores": len(sites)}
    result.update(_build(cfg["complaints"], sites))
    now = datetime(2026, 1, 15, tzinfo=UTC)
    selections = {
        "chain": ComplaintFilters(),
        "region": ComplaintFilters(region=regions[0].pk),
        "site": ComplaintFilters(site=sites[0].pk),
    }
    result["selections"] = {}
    for name, f in selections.items():
        o = overview_report(qm, f, now=now)
        cat, root = category_pareto(qm, f), root_cause_pareto(qm, f)
        t = time.perf_counter()
        base = _naive(qm, f, now)
        naive_ms = (time.perf_counter() - t) * 1000
        # the report's figures equal the loop's
        assert base["total"] == o.total, (base["total"], o.total)
        for clock, figures in (("response", o.sla[0]), ("resolution", o.sla[1])):
            got = {"met": figures.met, "breached": figures.breached, "running": figures.running}
            assert got == base[clock], (clock, got, base[clock])
        assert abs((o.durations[0].median_hours or 0) - (base["response_median"] or 0)) < 1e-6
        assert abs((o.durations[1].p90_hours or 0) - (base["resolution_p90"] or 0)) < 1e-6
        assert {r.key: r.count for r in cat.rows} == base["categories"]
        assert {r.key: r.count for r in root.rows} == base["roots"]
        assert sum(o.backlog.values()) == base["backlog"]
        overview_t = _timed(lambda f=f: overview_report(qm, f, now=now))
        pareto_t = _timed(lambda f=f: (category_pareto(qm, f), root_cause_pareto(qm, f)))
        report_ms = overview_t["median_ms"] + pareto_t["median_ms"]
        result["selections"][name] = {
            "complaints": o.total,
            "overview": overview_t,
            "pareto": pareto_t,
            "naive_loop_ms": round(naive_ms, 1),
            "speedup": round(naive_ms / max(report_ms, 0.01), 1),
        }
        print(f"{connection.vendor} {name}: {result['selections'][name]}", file=sys.stderr)
    print("RESULT " + json.dumps(result))


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
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results: dict[str, Any] = {
        "scale": args.scale,
        "complaints": SCALES[args.scale]["complaints"],
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "engines": [],
    }
    with tempfile.TemporaryDirectory(prefix="sqms-bench-complaints-") as tmp:
        engines: list[tuple[str, str, str | None]] = [
            ("sqlite", f"sqlite:///{tmp}/bench.sqlite3", None)
        ]
        pg = os.environ.get("DATABASE_URL", "")
        if pg.startswith(("postgres://", "postgresql://", "pgsql://")):
            scratch, name = _pg_scratch(pg)
            engines.append(("postgresql", scratch, name))
        for label, url, pg_name in engines:
            if pg_name:
                _pg_admin(pg, f'CREATE DATABASE "{pg_name}"')
            try:
                cmd = [sys.executable, __file__, "--worker", "--scale", args.scale, "--db-url", url]
                env = {**os.environ, "DATABASE_URL": url}
                print(f"== {label}: building and timing …", file=sys.stderr, flush=True)
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    raise SystemExit(f"bench worker for {label} failed")
                line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
                res = json.loads(line[7:])
                results["engines"].append(res)
                print(json.dumps(res, indent=1), file=sys.stderr)
            finally:
                if pg_name:
                    _pg_admin(pg, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    if not args.no_write:
        suffix = "" if args.scale == "full" else f"-{args.scale}"
        out = ROOT / "bench" / "results" / f"complaints_reports{suffix}.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
