"""Benchmark of the SLA scheduler (``do_check_clocks``) over many open complaints, against a
naive loop that computes and saves every complaint's clocks, same run.

    python bench/complaints_tick.py [--complaints 100000] [--db-url URL] [--no-write]

Builds, in a scratch database (a temporary SQLite file unless ``--db-url`` names another,
e.g. an empty PostgreSQL database), 20 stores in 2 regions on one business calendar
(Mon–Fri 09:00–18:00 Asia/Shanghai with China's 2025–2026 holidays and 调休 days), one site
manager per store, two region managers and a quality manager with emails, one webhook, and N
open complaints received uniformly over the 5 days before ``NOW`` under the default policy
(response 4 h, resolution 24 h, warn at 80 %, site manager 4 h, region manager 8 h): bulk
inserted with their SLA cache refreshed as of their arrival (what intake writes).

Then times:

1. the catch-up tick at ``NOW``: every warning, breach and escalation the backlog should have
   had (the scheduler "was down" since the first complaint arrived);
2. the steady tick a minute later (only the complaints whose next check is due);
3. the full tick: every open complaint made due (``next_check_at = now``) and checked in one
   run — the "one tick over N open complaints" figure;
4. the naive loop on a sample (``clocks.compute`` with its own calendar lookup and pause query,
   ``refresh_clocks``, ``save()`` per complaint), extrapolated to N; the ratio compares it
   with tick 3, which does the same work for every complaint.

Results in bench/results/complaints_tick.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
NAIVE_SAMPLE = 2000


def setup(db_url: str) -> None:
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


def organisation() -> list[Any]:
    from sqms.calendars import actions as cal_actions
    from sqms.core import actions
    from sqms.core.choices import Channel, Role
    from sqms.jobs.models import WebhookEndpoint

    cli = Channel.CLI
    cal = cal_actions.do_create_calendar(
        {
            "code": "BENCH",
            "name": "Bench office",
            "time_zone": "Asia/Shanghai",
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00"),
            "sat": "",
            "sun": "",
            "holiday_source": "cn",
            "is_default": True,
        },
        acting_user=None,
        channel=cli,
    )
    cal_actions.do_load_cn_holidays(cal, [2025, 2026], acting_user=None, channel=cli)
    sites = []
    for r in range(2):
        region = actions.do_create_region(
            {"code": f"BR{r}", "name": f"Bench region {r}"}, acting_user=None, channel=cli
        )
        actions.do_create_user(
            username=f"bench_rm{r}",
            password=None,
            role=Role.REGION_MANAGER,
            regions=[region],
            email=f"rm{r}@bench.test",
            acting_user=None,
            channel=cli,
        )
        for s in range(10):
            site = actions.do_create_site(
                {"region": region, "code": f"BS{r}{s:02d}", "name": f"Bench store {r}-{s}"},
                acting_user=None,
                channel=cli,
            )
            actions.do_create_user(
                username=f"bench_sm{r}{s:02d}",
                password=None,
                role=Role.SITE_MANAGER,
                sites=[site],
                email=f"sm{r}{s:02d}@bench.test",
                acting_user=None,
                channel=cli,
            )
            sites.append(site)
    actions.do_create_user(
        username="bench_qm",
        password=None,
        role=Role.QUALITY_MANAGER,
        email="qm@bench.test",
        acting_user=None,
        channel=cli,
    )
    WebhookEndpoint.objects.create(name="bench", url="https://hooks.invalid/bench")
    return sites


def load_complaints(sites: list[Any], n: int) -> float:
    """N open complaints with their SLA cache as intake writes it; returns seconds."""
    from sqms.calendars.lookup import calendar_for_site
    from sqms.complaints.choices import IntakeChannel, Severity, Source
    from sqms.complaints.clocks import compute, refresh_clocks
    from sqms.complaints.models import Complaint, SlaPolicy, new_tracking_code

    start = time.perf_counter()
    rng = random.Random(11)
    policy = SlaPolicy.objects.get(is_default=True)
    calendars = {s.pk: calendar_for_site(s) for s in sites}
    span = 5 * 24 * 3600
    first = NOW - timedelta(seconds=span)
    rows = []
    codes: set[str] = set()
    for i in range(n):
        site = sites[i % len(sites)]
        received = first + timedelta(seconds=rng.randrange(span))
        code = new_tracking_code()
        while code in codes:
            code = new_tracking_code()
        codes.add(code)
        c = Complaint(
            site=site,
            source=Source.IMPORT,
            channel=rng.choice(IntakeChannel.values),
            severity=rng.choice(Severity.values),
            summary=f"Bench complaint {i}",
            description="Generated by bench/complaints_tick.py.",
            received_at=received,
            policy=policy,
            tracking_code=code,
        )
        refresh_clocks(c, compute(c, received, calendar=calendars[site.pk], pauses=[]))
        rows.append(c)
    Complaint.objects.bulk_create(rows, batch_size=2000)
    return time.perf_counter() - start


def timed_tick(now: datetime) -> dict[str, Any]:
    from sqms.complaints.actions import do_check_clocks

    start = time.perf_counter()
    report = do_check_clocks(now)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 3),
        "checked": report.checked,
        "warnings": report.warnings,
        "breaches": report.breaches,
        "escalations": report.escalations,
        "updates_overdue": report.updates_overdue,
        "notifications": report.notifications,
        "errors": report.error_count,
        "checked_per_s": round(report.checked / seconds) if seconds else None,
    }


def naive(now: datetime, sample: int) -> float:
    """Seconds per complaint of the naive loop (compute + refresh + save, one at a time)."""
    from sqms.complaints.choices import OPEN_STATUSES
    from sqms.complaints.clocks import compute, refresh_clocks
    from sqms.complaints.models import Complaint

    ids = list(
        Complaint.objects.filter(status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    start = time.perf_counter()
    for pk in ids:
        c = Complaint.objects.select_related("site", "policy").get(pk=pk)
        refresh_clocks(c, compute(c, now))  # calendar_for_site and pauses per complaint
        c.save()
    return (time.perf_counter() - start) / max(len(ids), 1)


def run(n: int, db_url: str) -> dict[str, Any]:
    setup(db_url)
    from django.db import connection

    from sqms.complaints.choices import OPEN_STATUSES
    from sqms.complaints.models import Complaint, Entry
    from sqms.jobs.models import OutboxMessage

    sites = organisation()
    load_s = load_complaints(sites, n)
    catch_up = timed_tick(NOW)
    steady = timed_tick(NOW + timedelta(minutes=1))
    full_now = NOW + timedelta(minutes=2)
    Complaint.objects.filter(status__in=OPEN_STATUSES).update(next_check_at=full_now)
    full = timed_tick(full_now)
    per = naive(NOW + timedelta(minutes=3), min(NAIVE_SAMPLE, n))
    naive_total = per * n
    return {
        "engine": connection.vendor,
        "complaints": n,
        "load_seconds": round(load_s, 2),
        "catch_up_tick": catch_up,
        "steady_tick": steady,
        "full_tick": full,
        "naive_sample": min(NAIVE_SAMPLE, n),
        "naive_per_complaint_ms": round(per * 1000, 3),
        "naive_extrapolated_seconds": round(naive_total, 1),
        "ratio_naive_to_full_tick": round(naive_total / full["seconds"], 1),
        "entries": Entry.objects.count(),
        "outbox_messages": OutboxMessage.objects.count(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--db-url", help="an empty scratch database (default: a temp SQLite file)")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sqms-bench-tick-") as tmp:
        url = args.db_url or f"sqlite:///{Path(tmp) / 'tick.sqlite3'}"
        result = run(args.complaints, url)
    print(json.dumps(result, indent=2))
    full = result["full_tick"]
    print(
        f"full tick over {result['complaints']} open complaints: {full['seconds']} s "
        f"({full['checked_per_s']}/s); naive loop ≈ {result['naive_extrapolated_seconds']} s; "
        f"ratio {result['ratio_naive_to_full_tick']}×"
    )
    if not args.no_write:
        out = ROOT / "bench" / "results" / "complaints_tick.json"
        existing: dict[str, Any] = {}
        if out.exists():
            existing = json.loads(out.read_text())
        existing[result["engine"]] = result
        out.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
