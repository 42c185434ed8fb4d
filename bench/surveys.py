"""Survey benchmark: import throughput and SERVQUAL report latency vs a pandas baseline.

    python bench/surveys.py --scale small   # 20,000 responses over 24 stores (bench/results/surveys.json)
    python bench/surveys.py --scale medium  # 200,000 responses over 48 stores
    python bench/surveys.py --scale full    # 1,000,000 responses over 96 stores

Generates a native SQMS CSV of SERVQUAL responses with the demo generator (``sqms.demo.surveys``,
the same patterns as the demo) in a temporary directory — never in the repository — then, for
each database engine (SQLite always; PostgreSQL too when DATABASE_URL points at one, in a
scratch database created and dropped on that server):

(a) imports the file with ``sqms import-responses``'s code path (``actions.do_import_file``),
(b) times the SERVQUAL report for the whole chain, one region and one site
    (``sqms.surveys.servqual.servqual_report`` when present, else a direct rollup aggregate),
(c) recomputes the same item and dimension gaps with pandas from the raw CSV (the baseline),
(d) writes the same responses as row dicts (the path the other tools' imports and the demo
    take: ``actions.write_responses(..., fast=True)``) into a second campaign.

Each engine runs in its own process (Django settings are per process).
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
    "small": {"responses": 20_000, "stores_scale": 1},
    "medium": {"responses": 200_000, "stores_scale": 2},
    "full": {"responses": 1_000_000, "stores_scale": 4},
}


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    # production settings: DEBUG would log (and quote) every query
    os.environ["SQMS_DEBUG"] = "false"
    os.environ.setdefault("SQMS_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ.setdefault("SQMS_ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqms.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _org(stores_scale: int) -> tuple[list, object]:
    import io
    import random

    from sqms.core.choices import Channel
    from sqms.demo import load
    from sqms.surveys import actions
    from sqms.surveys.choices import CampaignStatus
    from sqms.surveys.models import Instrument

    ctx = load.DemoContext(
        locale="zh-hans", scale=stores_scale, seed=2026, out=io.StringIO(), rng=random.Random(2026)
    )
    load._load_org(ctx)
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    campaign = actions.do_create_campaign(
        {
            "name": "bench SERVQUAL",
            "instrument": Instrument.objects.get(code="SERVQUAL"),
            "sites": ctx.sites,
            "status": CampaignStatus.OPEN,
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    return ctx.sites, campaign


def _write_csv(path: Path, sites: list, campaign: object, n: int) -> float:
    import random

    from django.utils import timezone

    from sqms.demo.surveys import servqual_rows
    from sqms.surveys import actions
    from sqms.surveys.importers import MappedRow, write_native_csv

    started = time.perf_counter()
    per_store_month = n / len(sites) / 12
    code = {s.pk: s.code for s in sites}
    rows = servqual_rows(sites, random.Random(1), per_store_month, timezone.localdate())
    mapped = (
        MappedRow(
            0,
            f"native:b{i}",
            r["submitted_at"],
            {"site": code[r["site"]], "channel": "import", "language": "zh-hans"},
            r["answers"],
        )
        for i, r in enumerate(rows)
    )
    with open(path, "wb") as f:
        write_native_csv(mapped, actions.question_specs(campaign.instrument), f)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def _row_dict_import(sites: list, n: int) -> dict[str, object]:
    import random

    from django.utils import timezone

    from sqms.core.choices import Channel
    from sqms.demo.surveys import servqual_rows
    from sqms.surveys import actions
    from sqms.surveys.choices import CampaignStatus
    from sqms.surveys.models import Instrument

    campaign = actions.do_create_campaign(
        {
            "name": "bench SERVQUAL rows",
            "instrument": Instrument.objects.get(code="SERVQUAL"),
            "sites": sites,
            "status": CampaignStatus.OPEN,
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    per_store_month = n / len(sites) / 12
    rows = list(servqual_rows(sites, random.Random(1), per_store_month, timezone.localdate()))
    for i, r in enumerate(rows):
        r["external_id"] = f"rows:{i}"
    t = time.perf_counter()
    result = actions.write_responses(
        campaign, rows, channel="import", acting_user=None, want_ids=False, fast=True
    )
    elapsed = time.perf_counter() - t
    return {
        "responses": result.created,
        "seconds": round(elapsed, 2),
        "responses_per_s": round(result.created / elapsed),
    }


def _timed(fn, repeat: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}


def _report_fns(campaign: object, sites: list) -> tuple[str, dict[str, object]]:
    from django.db.models import Sum

    from sqms.surveys.models import Rollup

    region_id = sites[0].region_id
    site_id = sites[0].pk
    try:
        from sqms.surveys.reports import selection, servqual

        report = servqual.servqual_report
        Filters = selection.ReportFilters

        from django.contrib.auth import get_user_model

        qm = get_user_model().objects.filter(profile__role="quality_manager").first()

        def run(**kw):  # type: ignore[no-untyped-def]
            return lambda: report(qm, Filters(campaign=campaign.pk, **kw))  # type: ignore[attr-defined]

        return "servqual.servqual_report", {
            "chain": run(),
            "region": run(region=region_id),
            "site": run(site=site_id),
        }
    except (ImportError, AttributeError):

        def agg(**flt):  # type: ignore[no-untyped-def]
            def go() -> list:
                return list(
                    Rollup.objects.filter(campaign=campaign, measure__contains=".", **flt)
                    .values("measure")
                    .annotate(n=Sum("n"), t=Sum("total"), q=Sum("total_sq"))
                )

            return go

        return "rollup aggregate", {
            "chain": agg(),
            "region": agg(site__region_id=region_id),
            "site": agg(site_id=site_id),
        }


def _page_fns(campaign: object, sites: list) -> dict[str, object]:
    """The whole SERVQUAL page as a browser gets it: an HTTP GET through Django's middleware,
    the report, its panels and charts rendered to HTML (a logged-in quality manager)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    # production settings serve hashed names from collectstatic's manifest, which a benchmark
    # checkout has not built; plain names cost the same to render
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES=storages).enable()
    qm = get_user_model().objects.filter(profile__role="quality_manager").first()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(qm)
    url = reverse("surveys:report_servqual")

    def get(**params):  # type: ignore[no-untyped-def]
        def go() -> None:
            response = client.get(url, {"campaign": campaign.pk, **params}, secure=True)  # type: ignore[attr-defined]
            if response.status_code != 200 or b"data-figure=" not in response.content:
                raise SystemExit(f"SERVQUAL page answered {response.status_code}")

        return go

    return {
        "chain": get(),
        "region": get(region=sites[0].region_id),
        "site": get(site=sites[0].pk),
    }


def _pandas_baseline(path: Path, sites: list) -> dict[str, object]:
    import pandas as pd

    from sqms.demo.surveys import ITEM_DIMS

    region_codes = {s.code for s in sites if s.region_id == sites[0].region_id}
    site_code = sites[0].code

    def compute(df: pd.DataFrame) -> pd.Series:
        gaps = pd.DataFrame({code: df[f"{code}.P"] - df[f"{code}.E"] for code, _d in ITEM_DIMS})
        by_dim: dict[str, list[str]] = {}
        for code, dim in ITEM_DIMS:
            by_dim.setdefault(dim, []).append(code)
        dims = pd.DataFrame({d: gaps[codes].mean(axis=1) for d, codes in by_dim.items()})
        return pd.concat(
            [
                gaps.mean(),
                gaps.std(),
                dims.mean(),
                dims.std(),
                dims.mean(axis=1).agg(["mean", "std"]),
            ]
        )

    out: dict[str, object] = {}
    t = time.perf_counter()
    df = pd.read_csv(path, encoding="utf-8-sig")
    read_ms = (time.perf_counter() - t) * 1000
    for name, sel in (
        ("chain", lambda d: d),
        ("region", lambda d: d[d["site"].isin(region_codes)]),
        ("site", lambda d: d[d["site"] == site_code]),
    ):
        t = time.perf_counter()
        compute(sel(df))
        compute_ms = (time.perf_counter() - t) * 1000
        out[name] = {
            "read_ms": round(read_ms, 1),
            "compute_ms": round(compute_ms, 1),
            "total_ms": round(read_ms + compute_ms, 1),
        }
    return out


def worker(args: argparse.Namespace) -> None:
    _setup(args.db_url)
    from django.db import connection

    from sqms.core.choices import Channel
    from sqms.surveys import actions

    cfg = SCALES[args.scale]
    sites, campaign = _org(cfg["stores_scale"])
    csv_path = Path(args.csv)
    result: dict[str, object] = {"engine": connection.vendor, "stores": len(sites)}
    if not csv_path.exists():
        result["csv_generate_s"] = round(_write_csv(csv_path, sites, campaign, cfg["responses"]), 2)
    result["csv_mb"] = round(csv_path.stat().st_size / 1e6, 1)
    t = time.perf_counter()
    report = actions.do_import_file(
        campaign, str(csv_path), csv_path.name, acting_user=None, channel=Channel.CLI
    )
    elapsed = time.perf_counter() - t
    result["import"] = {
        "responses": report.imported,
        "rejected": report.rejected,
        "seconds": round(elapsed, 2),
        "responses_per_s": round(report.imported / elapsed),
    }
    result["row_dicts"] = _row_dict_import(sites, cfg["responses"])
    from sqms.surveys.models import Rollup

    result["rollup_rows"] = Rollup.objects.filter(campaign=campaign).count()
    how, fns = _report_fns(campaign, sites)
    result["report_via"] = how
    result["report"] = {name: _timed(fn) for name, fn in fns.items()}
    result["page"] = {name: _timed(fn) for name, fn in _page_fns(campaign, sites).items()}
    if args.pandas:
        base = _pandas_baseline(csv_path, sites)
        result["pandas"] = base
        result["speedup_vs_pandas"] = {
            name: round(base[name]["total_ms"] / max(result["report"][name]["median_ms"], 0.01), 1)  # type: ignore[index]
            for name in fns
        }
    print("RESULT " + json.dumps(result))


def _pg_scratch(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = f"sqms_bench_{os.getpid()}"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=list(SCALES), default="full")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--pandas", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-write", action="store_true", help="do not write bench/results/surveys.json"
    )
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results: dict[str, object] = {
        "scale": args.scale,
        "responses": SCALES[args.scale]["responses"],
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "engines": [],
    }
    with tempfile.TemporaryDirectory(prefix="sqms-bench-surveys-") as tmp:
        csv_path = Path(tmp) / "servqual.csv"
        engines = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3", None)]
        pg = os.environ.get("DATABASE_URL", "")
        if pg.startswith(("postgres://", "postgresql://", "pgsql://")):
            scratch, name = _pg_scratch(pg)
            engines.append(("postgresql", scratch, name))
        for i, (label, url, pg_name) in enumerate(engines):
            if pg_name:
                _pg_admin(pg, f'CREATE DATABASE "{pg_name}"')
            try:
                cmd = [
                    sys.executable,
                    __file__,
                    "--worker",
                    "--scale",
                    args.scale,
                    "--db-url",
                    url,
                    "--csv",
                    str(csv_path),
                ]
                if i == 0:
                    cmd.append("--pandas")
                env = {**os.environ, "DATABASE_URL": url}
                print(f"== {label}: importing and timing …", file=sys.stderr, flush=True)
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
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
    if args.scale == "small" and not args.no_write:
        out = ROOT / "bench" / "results" / "surveys.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
