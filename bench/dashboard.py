"""Executive-dashboard benchmark: the page and the API a quality manager lands on, and one
period's KPI recomputation, at a million survey responses and a million complaints.

    python bench/dashboard.py                 # 1,000,000 responses + 1,000,000 complaints, 48 stores
    python bench/dashboard.py --scale small   # 100,000 + 100,000, 24 stores

Why: the dashboard is the landing page of quality and region managers, so it must stay fast as
the raw data grows. Its figures come from stored KPI values (``KpiValue``), the survey rollups
and four aggregate counts (``sqms.kpis.dashboard_counts``), never from the raw rows; this
benchmark checks that holds at scale, on SQLite, in a scratch database in a temporary folder.

(a) builds the data quickly with ``bulk_create`` — not through the actions, which is what makes
    a million rows affordable: 24 months of survey responses (CSAT and NPS campaigns) with the
    matching ``Rollup`` rows, complaints (3 % still open, a share of them past their SLA) with
    monthly transaction volumes, submitted and planned inspections, nonconformities with
    actions; then the demo's KPIs (``sqms.demo.kpis.KPIS``) are computed for the 24 months by
    ``do_compute_kpis`` (the entered ones are bulk-created) and a few control limits frozen;
(b) times, as a quality manager for the whole organisation, median of 5 after a warm-up:
    the page ``GET /kpis/dashboard/`` through Django's test ``Client`` (full request → HTML),
    ``GET /api/v1/kpis/dashboard`` with a token, and ``do_compute_kpis(periods_back=0)`` —
    what ``sqms compute-kpis`` runs — for the last month;
(c) times the same-run baseline: the page's headline figures (open and overdue complaints,
    the month's complaints, CSAT and NPS) recomputed with pandas from raw rows read by one
    query each, and checks they equal the dashboard's;
(d) records the page's query count and its slowest queries with their ``EXPLAIN QUERY PLAN``.

Results in bench/results/dashboard.json (full) or dashboard-small.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCALES = {
    "small": {"responses": 100_000, "complaints": 100_000, "stores": 24},
    "full": {"responses": 1_000_000, "complaints": 1_000_000, "stores": 48},
}
REGIONS = 4
MONTHS = 24
BATCH = 5000
TARGET_MS = 500.0


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["SQMS_DEBUG"] = "false"
    os.environ["SQMS_SSL_REDIRECT"] = "false"
    os.environ.setdefault("SQMS_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ["SQMS_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # production settings, but static files named as in debug (no collected manifest here)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    call_command("migrate", verbosity=0)


def _months() -> list[Any]:
    from sqms.kpis import periods as P
    from sqms.kpis.dashboard import last_complete_month

    last = last_complete_month()
    return [P.shift(last, "month", -k) for k in range(MONTHS - 1, -1, -1)]


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


_MONTH_START: dict[Any, Any] = {}


def _moment(r: random.Random, month: Any) -> Any:
    """A random moment of ``month`` (site-local days 1–28, 9:00–20:59)."""
    import datetime as dt

    from django.utils import timezone

    start = _MONTH_START.get(month)
    if start is None:
        start = _MONTH_START[month] = timezone.make_aware(dt.datetime.combine(month, dt.time()))
    return start + dt.timedelta(days=r.randrange(28), minutes=r.randrange(9 * 60, 21 * 60))


def _surveys(n: int, sites: list[Any], months: list[Any], r: random.Random) -> None:
    from sqms.surveys.models import Campaign, Instrument, Response, Rollup

    campaigns = {}
    for code in ("CSAT", "NPS"):
        inst = Instrument.objects.get(code=code, is_current=True)
        camp = Campaign.objects.create(name=f"Bench {code}", instrument=inst, status="open")
        camp.sites.set(sites)
        campaigns[code] = (inst, camp)
    sums: dict[tuple[Any, ...], list[float]] = {}
    batch: list[Any] = []
    for i in range(n):
        site, month = r.choice(sites), r.choice(months)
        code = "CSAT" if i % 10 < 7 else "NPS"
        inst, camp = campaigns[code]
        if code == "CSAT":
            x = float(min(5, max(1, round(r.gauss(4.1, 0.9)))))
            measures = {"CSAT": x, "CSAT.TOP": 1.0 if x >= 4 else 0.0}
        else:
            x = float(min(10, max(0, round(r.gauss(7.8, 2.0)))))
            measures = {
                "NPS": x,
                "NPS.PRO": 1.0 if x >= 9 else 0.0,
                "NPS.DET": 1.0 if x <= 6 else 0.0,
            }
        batch.append(
            Response(
                campaign=camp,
                instrument=inst,
                site=site,
                channel="demo",
                submitted_at=_moment(r, month),
                answers={code: int(x)},
            )
        )
        for m, v in measures.items():
            cell = sums.setdefault((camp.pk, site.pk, month, m), [0.0, 0.0, 0.0])
            cell[0] += 1
            cell[1] += v
            cell[2] += v * v
        if len(batch) == BATCH:
            Response.objects.bulk_create(batch)
            batch = []
    Response.objects.bulk_create(batch)
    Rollup.objects.bulk_create(
        [
            Rollup(
                campaign_id=c,
                site_id=s,
                channel="demo",
                period=p,
                measure=m,
                n=int(v[0]),
                total=v[1],
                total_sq=v[2],
            )
            for (c, s, p, m), v in sums.items()
        ],
        batch_size=BATCH,
    )


def _complaints(n: int, sites: list[Any], months: list[Any], r: random.Random) -> None:
    import datetime as dt

    from django.utils import timezone

    from sqms.complaints.choices import IntakeChannel, Severity, Source, Status
    from sqms.complaints.models import Category, Complaint, SlaPolicy, TransactionVolume

    cats = list(Category.objects.all())
    policy = SlaPolicy.objects.get(is_default=True)
    now = timezone.now()
    h = dt.timedelta(hours=1)
    channels, severities = IntakeChannel.values, Severity.values
    batch: list[Any] = []
    for _ in range(n):
        is_open = r.random() < 0.03
        # most of the open backlog is recent (the last five days), the rest any month
        recent = is_open and r.random() < 0.7
        received = now - h * r.uniform(0, 120) if recent else _moment(r, r.choice(months))
        late = r.random() < 0.3
        fr = None if is_open and late else received + h * r.expovariate(1 / 3.0)
        rs = None if is_open else fr + h * r.expovariate(1 / 20.0)  # type: ignore[operator]
        status = (Status.INVESTIGATING if fr else Status.NEW) if is_open else Status.CLOSED
        batch.append(
            Complaint(
                site=r.choice(sites),
                source=Source.DEMO,
                channel=r.choice(channels),
                category=r.choice(cats),
                severity=r.choice(severities),
                status=status,
                is_open=is_open,  # save() sets it; bulk_create does not call save()
                summary="bench",
                policy=policy,
                received_at=received,
                first_response_at=fr,
                resolved_at=rs,
                closed_at=rs,
                response_due_at=received + 4 * h if fr is None else None,
                resolution_due_at=received + 24 * h if rs is None else None,
                response_breached_at=received + 4 * h
                if (fr is None and received + 4 * h < now) or (fr and fr - received > 4 * h)
                else None,
                resolution_breached_at=received + 24 * h
                if (rs is None and received + 24 * h < now) or (rs and rs - received > 24 * h)
                else None,
            )
        )
        if len(batch) == BATCH:
            Complaint.objects.bulk_create(batch)
            batch = []
    Complaint.objects.bulk_create(batch)
    TransactionVolume.objects.bulk_create(
        [
            TransactionVolume(site=s, period=m, transactions=r.randrange(20_000, 60_000))
            for s in sites
            for m in months
        ]
    )


def _operations(sites: list[Any], months: list[Any], r: random.Random, checklist: Any) -> None:
    """Inspections (20 submitted per site and month, a few planned), nonconformities and
    actions: the dashboard counts them and the inspection KPIs read them."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from sqms.capa.choices import ActionKind, ActionStatus, NcSeverity, Origin, Stage
    from sqms.capa.models import Action, Nonconformity
    from sqms.inspections.choices import InspectionKind, InspectionStatus
    from sqms.inspections.models import Inspection

    today = timezone.localdate()
    rows = []
    for s in sites:
        for m in months:
            for _ in range(20):
                at = _moment(r, m)
                score = Decimal(str(round(min(100.0, r.gauss(90, 6)), 2)))
                rows.append(
                    Inspection(
                        site=s, checklist=checklist, kind=InspectionKind.SUPERVISOR,
                        status=InspectionStatus.SUBMITTED, started_at=at, submitted_at=at,
                        score=score, critical_failed=r.random() < 0.05, passed=score >= 80,
                    )
                )  # fmt: skip
        for _ in range(8):
            rows.append(
                Inspection(
                    site=s, checklist=checklist, kind=InspectionKind.SUPERVISOR,
                    status=InspectionStatus.PLANNED, due_on=today + dt.timedelta(days=r.randint(-10, 20)),
                )
            )  # fmt: skip
    Inspection.objects.bulk_create(rows, batch_size=BATCH)
    stages = [*Stage.values]
    ncs = [
        Nonconformity(
            site=r.choice(sites), title="bench", severity=r.choice(NcSeverity.values),
            origin=Origin.MANUAL, stage=r.choice(stages), raised_at=_moment(r, r.choice(months)),
            due_date=today + dt.timedelta(days=r.randint(-60, 60)),
        )
        for _ in range(40 * len(sites))
    ]  # fmt: skip
    Nonconformity.objects.bulk_create(ncs, batch_size=BATCH)
    acts = [
        Action(
            nonconformity=nc, kind=ActionKind.CORRECTIVE, description="bench",
            due_date=today + dt.timedelta(days=r.randint(-40, 40)), created_at=nc.raised_at,
            status=r.choice([ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.DONE]),
        )
        for nc in Nonconformity.objects.all()
        for _ in range(2)
    ]  # fmt: skip
    Action.objects.bulk_create(acts, batch_size=BATCH)


def _kpis(sites: list[Any], months: list[Any], r: random.Random) -> dict[str, float]:
    """The demo's KPIs: the computed ones by ``do_compute_kpis`` over the 24 months, the
    entered ones bulk-created; limits frozen on the first 8 months of the organisation."""
    import datetime as dt

    from django.utils import timezone

    from sqms.core.choices import Channel
    from sqms.demo.kpis import KPIS
    from sqms.kpis import actions
    from sqms.kpis.actions.common import ORG
    from sqms.kpis.choices import Level, ValueOrigin
    from sqms.kpis.models import Kpi, KpiValue, unit_key

    cli = Channel.CLI
    for code, _zh, name_en, unit, direction, target, source, nature, extra in KPIS:
        actions.do_create_kpi(
            {"code": code, "name": name_en, "name_en": name_en, "unit": unit,
             "direction": direction, "target": target, "source": source, "nature": nature,
             "period": "month", **extra},
            acting_user=None, channel=cli,
        )  # fmt: skip
    now = timezone.make_aware(dt.datetime.combine(months[-1].replace(day=15), dt.time(12)))
    t = time.perf_counter()
    actions.do_compute_kpis(periods_back=MONTHS - 1, now=now, acting_user=None, channel=cli)
    compute_all_s = time.perf_counter() - t
    entered = []
    for kpi in Kpi.objects.filter(source="entered"):
        for s in sites:
            for m in months:
                entered.append(
                    KpiValue(
                        kpi=kpi, period=m, value=round(r.uniform(3.5, 6.5), 2), n=1,
                        origin=ValueOrigin.ENTERED, updated_at=now, unit_key=unit_key(Level.SITE, s.pk, None),
                        level=Level.SITE, site_id=s.pk,
                    )
                )  # fmt: skip
    KpiValue.objects.bulk_create(entered, batch_size=BATCH)
    for kpi in Kpi.objects.exclude(source="entered"):
        if KpiValue.objects.filter(kpi=kpi, unit_key=ORG.key, period=months[0]).exists():
            actions.do_freeze_limits(
                kpi, ORG, months[0], months[7], [1, 2], now=now, acting_user=None, channel=cli
            )
    return {"compute_24_months_s": round(compute_all_s, 2), "kpi_values": KpiValue.objects.count()}


def _timed(fn: Any, repeat: int = 5) -> dict[str, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}


def _baseline(month: Any) -> dict[str, Any]:
    """The page's headline figures with pandas from raw rows, one query per table."""
    import datetime as dt

    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from sqms.kpis import periods as P

    lo = timezone.make_aware(dt.datetime.combine(month, dt.time()))
    hi = timezone.make_aware(dt.datetime.combine(P.shift(month, "month", 1), dt.time()))
    c = pd.read_sql_query(
        "SELECT is_open, received_at, first_response_at, response_breached_at, "
        "resolution_breached_at FROM complaints_complaint",
        connection.connection,
        parse_dates=["received_at"],
    )
    opened = c[c.is_open == 1]
    overdue = opened[
        (opened.response_breached_at.notna() & opened.first_response_at.isna())
        | opened.resolution_breached_at.notna()
    ]
    received = pd.to_datetime(c.received_at, utc=True)
    in_month = int(((received >= lo) & (received < hi)).sum())
    stamp = "%Y-%m-%d %H:%M:%S"  # how Django stores UTC moments in SQLite
    resp = pd.read_sql_query(
        "SELECT answers FROM surveys_response WHERE submitted_at >= ? AND submitted_at < ?",
        connection.connection,
        params=(lo.astimezone(dt.UTC).strftime(stamp), hi.astimezone(dt.UTC).strftime(stamp)),
    )
    answers = pd.json_normalize(resp.answers.map(json.loads))
    csat = float(answers["CSAT"].dropna().mean())
    nps_x = answers["NPS"].dropna()
    nps = float(((nps_x >= 9).mean() - (nps_x <= 6).mean()) * 100)
    return {
        "open_complaints": len(opened),
        "overdue_complaints": len(overdue),
        "complaints_in_month": in_month,
        "csat": csat,
        "nps": nps,
    }


def _query_log(client: Any, url: str) -> dict[str, Any]:
    """The page's queries, the slowest five with their plans."""
    from django.db import connection

    timings: list[tuple[float, str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - t) * 1000, sql, params))

    with connection.execute_wrapper(wrapper):
        client.get(url)
    slowest = sorted(timings, key=lambda x: -x[0])[:5]
    out = []
    with connection.cursor() as cur:
        for ms, sql, params in slowest:
            plan = []
            if sql.lstrip().upper().startswith("SELECT"):
                cur.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = [row[-1] for row in cur.fetchall()]
            out.append({"ms": round(ms, 1), "sql": sql[:300], "plan": plan})
    return {
        "queries": len(timings),
        "total_sql_ms": round(sum(t[0] for t in timings), 1),
        "slowest": out,
    }


def worker(args: argparse.Namespace) -> None:
    _setup(args.db_url)
    from django.db import connection, transaction
    from django.test import Client

    from sqms.core import actions as core_actions
    from sqms.core.choices import Channel
    from sqms.inspections.tests.factories import make_checklist
    from sqms.kpis.actions import do_compute_kpis
    from sqms.kpis.actions.common import ORG
    from sqms.kpis.dashboard import build
    from sqms.surveys import actions as survey_actions

    cfg = SCALES[args.scale]
    r = random.Random(2026)
    months = _months()
    result: dict[str, Any] = {
        "engine": connection.vendor,
        "stores": cfg["stores"],
        "months": MONTHS,
    }
    t = time.perf_counter()
    regions, sites, qm = _org(cfg["stores"])
    survey_actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    with transaction.atomic():
        _surveys(cfg["responses"], sites, months, r)
    result["build_surveys_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    checklist = make_checklist()
    with transaction.atomic():
        _complaints(cfg["complaints"], sites, months, r)
        _operations(sites, months, r, checklist)
    result["build_complaints_operations_s"] = round(time.perf_counter() - t, 1)
    result.update(_kpis(sites, months, r))
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"built: {result}", file=sys.stderr, flush=True)

    client = Client()
    client.force_login(qm)
    url = "/kpis/dashboard/"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    _tok, raw = core_actions.do_create_api_token(qm, "bench", acting_user=qm, channel=Channel.CLI)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    got = api.get("/api/v1/kpis/dashboard")
    assert got.status_code == 200, got.content[:300]
    data = got.json()

    # the dashboard's figures equal the baseline's
    tb = time.perf_counter()
    base = _baseline(months[-1])
    baseline_ms = (time.perf_counter() - tb) * 1000
    counts = data["counts"]
    assert counts["open_complaints"] == base["open_complaints"], (counts, base)
    assert counts["overdue_complaints"] == base["overdue_complaints"], (counts, base)
    tiles = {k["code"]: k for k in data["kpis"]}
    assert tiles["COMPLAINTS"]["value"] == base["complaints_in_month"], (tiles["COMPLAINTS"], base)
    assert abs(tiles["CSAT"]["value"] - base["csat"]) < 1e-9, (tiles["CSAT"], base)
    assert abs(tiles["NPS"]["value"] - base["nps"]) < 1e-6, (tiles["NPS"], base)

    result["figures"] = {"counts": {k: v for k, v in counts.items() if k != "links"}, **base}
    result["page"] = _timed(lambda: client.get(url))
    result["api"] = _timed(lambda: api.get("/api/v1/kpis/dashboard"))
    result["build_only"] = _timed(lambda: build(qm, ORG))
    now = data["month"]
    import datetime as dt

    from django.utils import timezone

    at = timezone.make_aware(dt.datetime.fromisoformat(now) + dt.timedelta(days=14, hours=12))
    result["compute_one_period"] = _timed(
        lambda: do_compute_kpis(periods_back=0, now=at, acting_user=None, channel=Channel.CLI)
    )
    result["baseline_pandas_ms"] = round(baseline_ms, 1)
    result["baseline_over_page"] = round(baseline_ms / result["page"]["median_ms"], 1)
    result["baseline_over_api"] = round(baseline_ms / result["api"]["median_ms"], 1)
    result["page_target_ms"] = TARGET_MS
    result["page_under_target"] = result["page"]["median_ms"] < TARGET_MS
    result["page_queries"] = _query_log(client, url)
    print("RESULT " + json.dumps(result, default=str))


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
    cfg = SCALES[args.scale]
    results: dict[str, Any] = {
        "scale": args.scale,
        "responses": cfg["responses"],
        "complaints": cfg["complaints"],
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
    }
    with tempfile.TemporaryDirectory(prefix="sqms-bench-dashboard-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        cmd = [sys.executable, __file__, "--worker", "--scale", args.scale, "--db-url", url]
        print("== sqlite: building and timing …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        proc = subprocess.run(
            cmd,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit("bench worker failed")
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
        results["sqlite"] = json.loads(line[7:])
        results["wall_s"] = round(time.perf_counter() - started, 1)
        # the machine may be shared: a load above its CPU count slows every figure above
        results["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    if not args.no_write:
        suffix = "" if args.scale == "full" else f"-{args.scale}"
        out = ROOT / "bench" / "results" / f"dashboard{suffix}.json"
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
