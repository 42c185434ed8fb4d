"""The vectorised import path gives exactly the rollups and responses of the row-by-row path."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import Instrument, Response, Rollup


@pytest.fixture
def two_campaigns(world):  # type: ignore[no-untyped-def]
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)

    def make(code: str, name: str):  # type: ignore[no-untyped-def]
        return actions.do_create_campaign(
            {
                "name": name,
                "instrument": Instrument.objects.get(code=code),
                "sites": [world.site_a, world.site_b],
                "services": [world.service],
                "status": "open",
            },
            acting_user=None,
            channel=Channel.CLI,
        )

    return make


def _rows(code: str, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        a: dict = {}
        if code in ("SERVQUAL", "SQ-ZOT", "SERVPERF"):
            parts = {"SERVQUAL": "EP", "SQ-ZOT": "ADP", "SERVPERF": "P"}[code]
            for k in range(1, 23):
                for p in parts:
                    a[f"SQ{k:02d}.{p}"] = rng.randint(1, 7)
            a["OVERALL"] = rng.randint(1, 7)
            if code == "SERVQUAL" and rng.random() < 0.4:
                a.update(
                    {"IMP_TAN": 10, "IMP_REL": 40, "IMP_RES": 20, "IMP_ASS": 20, "IMP_EMP": 10}
                )
        elif code == "NPS":
            a["NPS"] = rng.randint(0, 10)
        else:
            a["CSAT"] = rng.randint(1, 5)
        if rng.random() < 0.3:
            a["COMMENT"] = rng.choice(["很好", "slow queue", "ok"])
        rows.append(
            {
                "answers": a,
                "site": "ALPHA" if i % 3 else "BRAVO",
                "service": "SALES" if i % 4 == 0 else None,
                "submitted_at": f"2026-{1 + i % 12:02d}-{1 + i % 27:02d}T{i % 24:02d}:30:00+00:00",
                "external_id": f"e{i}",
                "channel": "import",
            }
        )
    return rows


def _rollups(c) -> list:  # type: ignore[no-untyped-def]
    return sorted(
        (
            r.site_id,
            r.service_key,
            r.channel,
            r.period,
            r.measure,
            r.n,
            round(r.total, 6),
            round(r.total_sq, 6),
        )
        for r in Rollup.objects.filter(campaign=c)
    )


@pytest.mark.parametrize("code", ["SERVQUAL", "SQ-ZOT", "SERVPERF", "NPS", "CSAT"])
def test_fast_equals_slow(world, two_campaigns, code):
    slow, fast = two_campaigns(code, "slow"), two_campaigns(code, "fast")
    rows = _rows(code, 300, 5)
    actions.write_responses(slow, rows, channel="import", acting_user=None)
    actions.write_responses(
        fast, rows, channel="import", acting_user=None, want_ids=False, fast=True
    )
    assert _rollups(slow) == _rollups(fast) and len(_rollups(fast)) > 0

    def stored(c):  # type: ignore[no-untyped-def]
        return sorted(
            (r.external_id, r.site_id, r.service_id, r.submitted_at, r.answers, r.comment)
            for r in Response.objects.filter(campaign=c)
        )

    assert stored(slow) == stored(fast)
    # idempotent on the fast path too
    again = actions.write_responses(
        fast, rows, channel="import", acting_user=None, want_ids=False, fast=True
    )
    assert again.created == 0 and again.skipped == 300


def test_fast_path_reports_errors_like_slow(world, two_campaigns):
    c = two_campaigns("SERVQUAL", "fast")
    rows = _rows("SERVQUAL", 20, 1)
    rows[4]["answers"]["SQ03.P"] = 8
    del rows[7]["answers"]["SQ09.E"]
    rows[9]["answers"]["IMP_TAN"] = 55
    rows[9]["answers"].update({"IMP_REL": 5, "IMP_RES": 5, "IMP_ASS": 5, "IMP_EMP": 5})
    with pytest.raises(ValidationError) as exc:
        actions.write_responses(
            c, rows, channel="import", acting_user=None, want_ids=False, fast=True
        )
    assert exc.value.messages == [
        "row 5: SQ03.P 8 is out of range 1–7",
        "row 8: SQ09.E an answer is required",
        "row 10: IMP_TAN the points must add up to 100 (they add up to 75)",
    ]
    assert Response.objects.count() == 0 and Rollup.objects.count() == 0
    r = actions.write_responses(
        c, rows, channel="import", acting_user=None, want_ids=False, fast=True, skip_invalid=True
    )
    assert r.created == 17 and Response.objects.count() == 17
