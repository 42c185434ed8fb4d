"""The service-recovery paradox page against a hand-computed example."""

from __future__ import annotations

import math

import pytest
from django.test import Client
from scipy import stats

from sqms.complaints import actions
from sqms.complaints.reports.recovery import paradox_rows, paradox_sums
from sqms.core.choices import Channel
from sqms.surveys import actions as survey_actions
from sqms.surveys.choices import CampaignStatus
from sqms.surveys.models import Instrument
from sqms.surveys.reports.selection import ReportFilters

FOLLOW_UP = [5, 4, 5, 5, 4]  # recovery satisfaction of complainants
REGULAR = [3, 4, 4, 3, 5, 3]  # CSAT of the same site's regular survey
BRAVO_REGULAR = [1, 1, 1, 1, 1]  # another site: filtered out by the site filter


@pytest.fixture
def answers(world):  # type: ignore[no-untyped-def]
    survey_actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    followup = actions.do_install_followup_instrument(acting_user=None, channel=Channel.CLI)

    def campaign(name, instrument):  # type: ignore[no-untyped-def]
        return survey_actions.do_create_campaign(
            {
                "name": name,
                "instrument": instrument,
                "sites": [world.site_a, world.site_b],
                "status": CampaignStatus.OPEN,
            },
            acting_user=None,
            channel=Channel.CLI,
        )

    fu = campaign("Follow-up", followup)
    csat = campaign("CSAT", Instrument.objects.get(code="CSAT"))
    when = "2026-03-10 12:00"

    def write(c, site, rows):  # type: ignore[no-untyped-def]
        survey_actions.write_responses(
            c,
            [{"answers": a, "site": site, "submitted_at": when} for a in rows],
            channel="staff",
            acting_user=None,
        )

    write(fu, world.site_a, [{"RECOVERY": x, "RECOMMEND": 9} for x in FOLLOW_UP])
    write(csat, world.site_a, [{"CSAT": x} for x in REGULAR])
    write(csat, world.site_b, [{"CSAT": x} for x in BRAVO_REGULAR])
    return world


def _welch(a: list[int], b: list[int]) -> tuple[float, float, float, float]:
    """b − a by hand: estimate, interval and t."""
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1)
    se = math.sqrt(va / len(a) + vb / len(b))
    df = (va / len(a) + vb / len(b)) ** 2 / (
        (va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1)
    )
    q = stats.t.ppf(0.975, df)
    est = mb - ma
    return est, est - q * se, est + q * se, est / se


def test_paradox_numbers(answers, settings):  # type: ignore[no-untyped-def]
    settings.SQMS_SURVEY_MIN_N = 5
    world = answers
    rows = paradox_rows(paradox_sums(world.qm, ReportFilters(site=world.site_a.pk)))
    csat, nps = rows
    assert csat.followup.n == 5 and csat.followup.mean == pytest.approx(4.6)
    assert csat.regular.n == 6 and csat.regular.mean == pytest.approx(22 / 6)
    est, lo, hi, t = _welch(REGULAR, FOLLOW_UP)
    assert est == pytest.approx(0.9333333, abs=1e-6)
    assert t == pytest.approx(2.2563, abs=1e-3)
    d = csat.difference
    assert d is not None
    assert (d.estimate, d.low, d.high, d.z) == pytest.approx((est, lo, hi, t), abs=1e-9)
    assert 0 < d.p_value < 0.06
    # the follow-up's mean interval: 4.6 ± t(0.975, 4)·sd/√5
    half = stats.t.ppf(0.975, 4) * math.sqrt(0.3) / math.sqrt(5)
    assert (csat.followup.lo, csat.followup.hi) == pytest.approx((4.6 - half, 4.6 + half))
    # would-recommend: only the follow-up has answers: the regular side and the difference
    # are suppressed
    assert nps.followup.mean == pytest.approx(9.0) and nps.regular.suppressed
    assert nps.difference is None
    # both sites: site B's low CSAT joins the regular group
    both = paradox_rows(paradox_sums(world.qm, ReportFilters()))[0]
    assert both.regular.n == 11
    # site B's manager sees no follow-up answers (they are site A's)
    outsider = paradox_rows(paradox_sums(world.bravo_manager, ReportFilters()))[0]
    assert outsider.followup.n == 0 and outsider.regular.n == 5


def test_minimum_n_suppresses(answers, settings):  # type: ignore[no-untyped-def]
    settings.SQMS_SURVEY_MIN_N = 6
    row = paradox_rows(paradox_sums(answers.qm, ReportFilters(site=answers.site_a.pk)))[0]
    assert row.followup.suppressed and not row.regular.suppressed and row.difference is None


def test_page_and_csv(answers, settings):  # type: ignore[no-untyped-def]
    settings.SQMS_SURVEY_MIN_N = 5
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(answers.qm)
    url = f"/complaints/reports/recovery-paradox/?site={answers.site_a.pk}&from=2026-01&to=2026-06"
    page = c.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Service-recovery paradox" in body and "4.60" in body and "0.93" in body
    csv = c.get(url + "&download=recovery-paradox")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "4.6" in text and "0.9333" in text
    empty = c.get("/complaints/reports/recovery-paradox/?from=2020-01&to=2020-02")
    assert empty.status_code == 200 and "n too small" in empty.content.decode()
