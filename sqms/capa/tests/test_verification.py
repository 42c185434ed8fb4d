"""Effectiveness verification with data: the three metrics' figures and tests against
``sqms.analytics.compare`` (and scipy on the raw values), the proposed verdict, and the
quality manager's confirmation that closes or reopens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from scipy import stats

from sqms.analytics import compare
from sqms.analytics.metrics import rate_ci
from sqms.capa import actions
from sqms.capa.choices import Stage, Verdict
from sqms.capa.sources import raise_for_inspection_answer
from sqms.capa.tests.capa_data import (
    CLI,
    T0,
    add_action,
    make_nc,
    step,
    to_action_plan,
    to_verification,
)
from sqms.complaints import actions as complaint_actions
from sqms.complaints.actions import settings as complaint_settings
from sqms.complaints.choices import Source
from sqms.complaints.models import Category
from sqms.inspections.models import Answer
from sqms.inspections.tests.factories import make_checklist, make_inspection

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def propose(nc, metric, params=None, *, now):
    nc.refresh_from_db()
    return actions.do_propose_verification(
        nc, metric, params or {}, acting_user=None, channel=CLI, now=now
    )


def test_item_pass_rate_before_and_after(world):
    checklist = make_checklist()
    for i, result in enumerate(["pass", "fail", "pass", "fail", "pass", "fail"]):
        make_inspection(
            world.site_a, checklist, {"A2": (result, None)}, submitted_at=T0 - (10 + i) * DAY
        )
    make_inspection(
        world.site_a, checklist, {"A2": ("pass", None)}, submitted_at=T0 - 200 * DAY
    )  # outside
    failing = make_inspection(world.site_a, checklist, {"A2": ("fail", None)}, submitted_at=T0)
    answer = Answer.objects.get(inspection=failing, item__code="A2")
    nc = raise_for_inspection_answer(answer, acting_user=None, channel=CLI, now=T0)
    assert raise_for_inspection_answer(answer, acting_user=None, channel=CLI, now=T0) == nc
    assert nc.severity == "major" and nc.origin == "inspection_item" and nc.site == world.site_a
    assert "Extinguisher" in nc.title and failing.reference in nc.source_ref
    to_verification(nc, done_at=T0 + 5 * DAY)
    # entering verification measured the item's pass rate at once (the results come later)
    first = nc.verifications.get()
    assert first.metric == "item_pass_rate" and first.params["item"] == answer.item_id
    for i in range(10):
        make_inspection(
            world.site_a, checklist, {"A2": ("pass", None)}, submitted_at=T0 + (6 + i) * DAY
        )
    make_inspection(world.site_b, checklist, {"A2": ("fail", None)}, submitted_at=T0 + 8 * DAY)
    make_inspection(
        world.site_a, checklist, {"A2": ("pass", None)}, submitted_at=T0 + 2 * DAY
    )  # before done

    v = propose(nc, "item_pass_rate", {"item": answer.item_id}, now=T0 + 40 * DAY)
    expected = compare.two_proportions(3, 7, 10, 10)
    assert (v.before_n, v.after_n) == (7, 10)
    assert v.before_value == pytest.approx(3 / 7) and v.after_value == pytest.approx(1.0)
    assert v.p_value == pytest.approx(expected.pvalue) and v.p_value < 0.05
    assert v.test == "two-proportion z-test"
    assert v.details["series"] == [["2026-02", 0.5, 6], ["2026-03", pytest.approx(11 / 12), 12]]
    assert v.proposed == Verdict.EFFECTIVE
    nc.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.do_confirm_verification(
            nc,
            "effective",
            expected_version=nc.version,
            acting_user=world.alpha_manager,
            channel=CLI,
        )
    nc = actions.do_confirm_verification(
        nc, "effective", expected_version=nc.version, acting_user=world.qm, channel=CLI
    )
    assert nc.stage == Stage.CLOSED and nc.is_closed and nc.closed_at is not None


def _complaint(site, category, at):
    return complaint_actions.do_create_complaint(
        {
            "site": site,
            "channel": "phone",
            "category": category,
            "description": "x",
            "received_at": at,
        },
        source=Source.STAFF,
        acting_user=None,
        channel=CLI,
    )


def test_complaint_rate_per_30_days_and_per_1000_transactions(world):
    parent = Category.objects.get(code="PRODUCT")
    child = complaint_settings.do_create_category(
        {"code": "PROD_CHILD", "name": "子类", "parent": parent}, acting_user=None, channel=CLI
    )
    other = Category.objects.exclude(pk__in=[parent.pk, child.pk]).filter(parent=None).first()
    for i in range(12):
        _complaint(world.site_a, child if i % 2 else parent, T0 - (i * 7 + 1) * DAY)
    _complaint(world.site_a, other, T0 - 3 * DAY)  # another category
    _complaint(world.site_b, parent, T0 - 3 * DAY)  # another site
    nc = make_nc(world.site_a, "投诉多 Many complaints")
    to_verification(nc, done_at=T0 + DAY)
    for i in range(2):
        _complaint(world.site_a, parent, T0 + (10 + i * 30) * DAY)
    now = T0 + 91 * DAY
    v = propose(nc, "complaint_rate", {"category": parent.pk}, now=now)
    assert (v.before_n, v.after_n) == (12, 2)
    assert v.unit == "complaints per 30 days"
    series = v.details["series"]
    assert series[0] == ["2025-12", 3.0, 3] and sum(row[2] for row in series) == 14
    assert v.before_value == pytest.approx(12 / 90 * 30)
    assert v.after_value == pytest.approx(2 / 90 * 30)
    expected = compare.rate_ratio(12, 90, 2, 90)
    assert v.p_value == pytest.approx(expected.pvalue) and v.estimate == pytest.approx(1 / 6)
    assert v.proposed == Verdict.EFFECTIVE
    ci = rate_ci(12, 90 / 30)  # per 30 days: exposure in 30-day units
    assert (v.details["before_lo"], v.details["before_hi"]) == (
        pytest.approx(ci.lo),
        pytest.approx(ci.hi),
    )

    # with the site's transaction volumes for every month, per 1,000 transactions
    for month in range(11, 13):
        complaint_actions.do_save_volume(
            {"site": world.site_a, "period": dt.date(2025, month, 1), "transactions": 3000},
            acting_user=None,
            channel=CLI,
        )
    for month in range(1, 7):
        complaint_actions.do_save_volume(
            {"site": world.site_a, "period": dt.date(2026, month, 1), "transactions": 3000},
            acting_user=None,
            channel=CLI,
        )
    v = propose(nc, "complaint_rate", {"category": parent.pk}, now=now)
    assert v.unit == "complaints per 1,000 transactions"
    e1, e2 = v.details["before_exposure"], v.details["after_exposure"]
    assert 8000 < e1 < 10000 and 8000 < e2 < 10000
    assert v.before_value == pytest.approx(12 / e1 * 1000)
    assert v.p_value == pytest.approx(compare.rate_ratio(12, e1, 2, e2).pvalue)


def test_survey_dimension_gap_by_month(world):
    from sqms.surveys.tests.report_data import (
        make_campaign,
        make_instrument,
        servqual_answers,
        when,
        write,
    )

    camp = make_campaign(make_instrument(), [world.site_a, world.site_b])
    before = [-2, -2, -3, -1, -2, -3]
    after = [0, 1, 0, -1, 0, 1]
    write(camp, world.site_a, servqual_answers(before[:3]), at=when(2026, 1))
    write(camp, world.site_a, servqual_answers(before[3:]), at=when(2026, 2))
    write(camp, world.site_a, servqual_answers([-4]), at=when(2026, 3, 20))  # NC's month: neither
    write(camp, world.site_b, servqual_answers([1, 1, 1]), at=when(2026, 4))  # other site
    nc = make_nc(world.site_a, "服务有形性差距", origin="survey_gap", source_ref="tangibles")
    to_verification(nc, done_at=T0 + DAY)
    write(camp, world.site_a, servqual_answers(after), at=when(2026, 4))
    v = propose(nc, "survey_gap", {"dimension": "tangibles"}, now=when(2026, 5, 20))
    assert (v.before_n, v.after_n) == (6, 6)
    assert v.before_value == pytest.approx(sum(before) / 6)
    assert v.after_value == pytest.approx(sum(after) / 6)
    expected = stats.ttest_ind(after, before, equal_var=False)
    assert v.p_value == pytest.approx(expected.pvalue)
    assert v.test.startswith("Welch")
    assert v.proposed == Verdict.EFFECTIVE


def test_too_few_after_observations_is_not_enough_data(world):
    checklist = make_checklist()
    failing = make_inspection(world.site_a, checklist, {"A2": ("fail", None)}, submitted_at=T0)
    answer = Answer.objects.get(inspection=failing, item__code="A2")
    nc = raise_for_inspection_answer(answer, acting_user=None, channel=CLI, now=T0)
    to_verification(nc, done_at=T0 + DAY)
    v = propose(nc, "item_pass_rate", {"item": answer.item_id}, now=T0 + 3 * DAY)
    assert v.after_n == 0 and v.proposed == Verdict.INCONCLUSIVE


def test_not_effective_reopens_with_a_new_cycle_then_closes(world):
    nc = make_nc(world.site_a)
    with pytest.raises(ValidationError, match="verification"):
        propose(nc, "manual", {"before": 1, "after": 2}, now=T0)
    to_verification(nc, done_at=T0 + DAY)
    assert not nc.verifications.exists()  # raised by hand: its figures are entered
    v = propose(nc, "manual", {"before": 80, "after": 78, "unit": "%"}, now=T0 + 30 * DAY)
    assert v.proposed == Verdict.NOT_EFFECTIVE and v.cycle == 1
    nc.refresh_from_db()
    with pytest.raises(ValidationError, match="why"):
        actions.do_confirm_verification(
            nc, "not_effective", expected_version=nc.version, acting_user=world.qm, channel=CLI
        )
    nc = actions.do_confirm_verification(
        nc,
        "not_effective",
        "still wet",
        expected_version=nc.version,
        acting_user=world.qm,
        channel=CLI,
    )
    assert nc.stage == Stage.ACTION_PLAN and nc.cycle == 2
    with pytest.raises(ValidationError, match="cycle 2"):
        step(nc, "start")
    action = add_action(nc, kind="preventive")
    assert action.cycle == 2
    step(nc, "start")
    actions.do_complete_action(action, "", acting_user=None, channel=CLI, now=T0 + 40 * DAY)
    step(nc, "verify")
    v2 = propose(nc, "manual", {"before": 80, "after": 95}, now=T0 + 70 * DAY)
    assert v2.cycle == 2 and v2.proposed == Verdict.EFFECTIVE
    nc.refresh_from_db()
    nc = actions.do_confirm_verification(
        nc, "effective", expected_version=nc.version, acting_user=world.qm, channel=CLI
    )
    assert nc.stage == Stage.CLOSED
    assert nc.verifications.count() == 2
    with pytest.raises(PermissionDenied, match="closed"):
        actions.do_update_nc(
            nc, {"title": "x"}, expected_version=None, acting_user=world.qm, channel=CLI
        )


def test_unused_helpers_import(world):
    nc = make_nc(world.site_a)
    to_action_plan(nc)
    assert nc.why_steps.count() == 2


def test_bad_parameters_name_the_field(world):
    nc = make_nc(world.site_a)
    to_verification(nc, done_at=T0 + DAY)
    for metric, params, field in (
        ("item_pass_rate", {"item": "abc"}, "item"),
        ("item_pass_rate", {"item": 10**30}, "item"),
        ("item_pass_rate", {}, "item"),
        ("complaint_rate", {"category": [1]}, "category"),
        ("complaint_rate", {"category": 999999}, "category"),
        ("survey_gap", {}, "dimension"),
        ("manual", {"before": "x", "after": 1}, "before"),
        ("manual", {"before": 1, "after": 1, "window_days": 0}, "window_days"),
    ):
        with pytest.raises(ValidationError) as exc:
            propose(nc, metric, params, now=T0 + 30 * DAY)
        assert field in exc.value.message_dict, (metric, params)
