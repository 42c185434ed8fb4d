"""The SERVQUAL missing-data rule gives the same numbers through every way responses arrive.

The respondents of ``test_servqual_rule`` (two dimensions; respondent 3 skips dimension B) go
(1) through the API, (2) through the import of SQMS's own CSV (given as bytes: row dicts; given as a
path: column-wise chunks), and (3) straight into ``sqms.analytics.servqual.score``. Each gives SQ gap −0.25 over
n = 2 and dimension A gap −1.0 over n = 3 (worked by hand in ``test_servqual_rule``).
"""

from __future__ import annotations

import io
import math

import pytest
from django.test import Client

from sqms.analytics import servqual
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.models import Campaign, Rollup
from sqms.surveys.tests.report_data import make_campaign, make_instrument
from sqms.surveys.tests.test_servqual_rule import DIMS, E, P

CODES = ["T1", "T2", "R1", "R2"]  # make_instrument: T = tangibles (A), R = reliability (B)


def _answers(e_row: list[float], p_row: list[float]) -> dict[str, int]:
    out = {}
    for j, code in enumerate(CODES):
        if not math.isnan(e_row[j]):
            out[f"{code}.E"], out[f"{code}.P"] = int(e_row[j]), int(p_row[j])
    return out


def _sums(campaign: Campaign, measure: str) -> tuple[int, float]:
    cells = Rollup.objects.filter(campaign=campaign, measure=measure)
    return sum(c.n for c in cells), sum(c.total for c in cells)


def _assert_rule(campaign: Campaign) -> None:
    n, total = _sums(campaign, "SQ.GAP")
    assert (n, total / n) == (2, pytest.approx(-0.25))
    n, total = _sums(campaign, "DIM.tangibles.GAP")
    assert (n, total / n) == (3, pytest.approx(-1.0))
    n, total = _sums(campaign, "DIM.reliability.GAP")
    assert (n, total / n) == (2, pytest.approx(-0.5))


def test_api_import_and_analytics_agree(world, tmp_path):  # type: ignore[no-untyped-def]
    analysed = servqual.score(E, P, DIMS)
    assert (analysed.unweighted.n, analysed.unweighted.mean) == (2, pytest.approx(-0.25))
    assert (analysed.dimensions["A"].n, analysed.dimensions["A"].mean) == (3, pytest.approx(-1.0))

    instrument = make_instrument(extras=False)
    instrument.questions.update(required=False)  # respondent 3 may skip dimension B
    by_api = make_campaign(instrument, [world.site_a], "API")
    _token, raw = core_actions.do_create_api_token(
        world.qm, "t", acting_user=world.qm, channel=Channel.CLI
    )
    body = {
        "campaign_id": by_api.pk,
        "responses": [
            {"site": "ALPHA", "answers": _answers(e, p)} for e, p in zip(E, P, strict=True)
        ],
    }
    r = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/surveys/responses/batch", body, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    _assert_rule(by_api)

    native = io.StringIO()
    assert actions.export_responses(by_api, "csv", native, acting_user=world.qm) == 3
    # bytes are parsed whole and written row by row; a path streams column-wise chunks
    path = tmp_path / "responses.csv"
    path.write_text(native.getvalue(), encoding="utf-8")
    for name, source in (("bytes", native.getvalue().encode()), ("path", str(path))):
        by_import = make_campaign(instrument, [world.site_a], name)
        report = actions.do_import_file(
            by_import, source, "responses.csv", acting_user=world.qm, channel=Channel.WEB
        )
        assert (report.imported, report.rejected) == (3, 0)
        _assert_rule(by_import)
