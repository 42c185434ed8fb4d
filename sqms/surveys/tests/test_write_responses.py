# ruff: noqa: F811
"""write_responses: validation, rollups in the same transaction, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.choices import ResponseChannel
from sqms.surveys.models import CampaignSite, Response, Rollup
from sqms.surveys.tests.builtin_answers import servqual_answers

API = ResponseChannel.API


def test_install_builtins_is_idempotent(builtins):
    assert set(builtins) == {
        "SERVQUAL",
        "SERVPERF",
        "SQ-ZOT",
        "CSAT",
        "NPS",
        "GAP1-MGMT",
        "GAP3-STAFF",
    }
    sq = builtins["SERVQUAL"]
    items = sq.questions.filter(role="item").order_by("order")
    assert items.count() == 22
    assert [q.dimension for q in items][:5] == ["tangibles"] * 4 + ["reliability"]
    assert items[9].dimension == "responsiveness" and items[13].dimension == "assurance"
    assert items[17].dimension == "empathy"
    assert all(q.ratings == ["E", "P"] and q.text_zh and q.text_en for q in items)
    assert sq.questions.filter(role="importance").count() == 5
    assert sq.questions.get(code="OVERALL").scale_max == 7
    assert builtins["SERVPERF"].questions.get(code="SQ01").ratings == ["P"]
    assert builtins["SQ-ZOT"].questions.get(code="SQ01").ratings == ["A", "D", "P"]
    assert builtins["GAP1-MGMT"].questions.get(code="SQ05").ratings == ["M"]
    assert builtins["GAP3-STAFF"].questions.get(code="SQ05").ratings == ["S"]
    assert builtins["NPS"].questions.get(code="NPS").scale_max == 10
    assert actions.do_install_builtins(acting_user=None, channel=Channel.CLI) == []


def test_write_stores_and_rolls_up(world, campaign):
    when = dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC)  # 1 April in Shanghai
    result = actions.write_responses(
        campaign,
        [
            {"answers": servqual_answers(6, 5), "site": world.site_a, "submitted_at": when},
            {
                "answers": servqual_answers(7, 4),
                "site": "ALPHA",
                "submitted_at": when,
                "service": "SALES",
            },
        ],
        channel=API,
        acting_user=world.qm,
    )
    assert result.created == 2 and len(result.ids) == 2
    assert Response.objects.filter(campaign=campaign).count() == 2
    cell = Rollup.objects.filter(campaign=campaign, measure="SQ01.GAP")
    assert {r.period for r in cell} == {dt.date(2026, 4, 1)}
    assert sum(r.n for r in cell) == 2 and sum(r.total for r in cell) == -4.0
    assert sum(r.total_sq for r in cell) == 1 + 9
    dim = Rollup.objects.get(campaign=campaign, measure="DIM.responsiveness.GAP", service_key=0)
    assert dim.total == -1.0
    assert CampaignSite.objects.get(campaign=campaign, site=world.site_a).response_count == 2


def test_invalid_rows_named_and_nothing_written(world, campaign):
    bad = servqual_answers()
    bad["SQ01.E"] = 9
    missing = servqual_answers()
    del missing["SQ02.P"]
    with pytest.raises(ValidationError) as exc:
        actions.write_responses(
            campaign,
            [
                {"answers": servqual_answers(), "site": world.site_a},
                {"answers": bad, "site": world.site_a},
                {"answers": missing, "site": "NOPE"},
            ],
            channel=API,
            acting_user=world.qm,
        )
    text = " | ".join(exc.value.messages)
    assert "row 2: SQ01.E 9 is out of range 1–7" in text
    assert "row 3: SQ02.P an answer is required" in text
    assert "row 3: @site site NOPE is not part of this campaign" in text
    assert Response.objects.count() == 0 and Rollup.objects.count() == 0


def test_idempotent_by_external_id(world, campaign):
    row = {"answers": servqual_answers(), "site": world.site_a, "external_id": "pos-1"}
    first = actions.write_responses(campaign, [row, dict(row)], channel=API, acting_user=world.qm)
    assert first.created == 1
    again = actions.write_responses(campaign, [row], channel=API, acting_user=world.qm)
    assert again.created == 0 and again.existing == {"pos-1": first.ids[0]}
    assert Response.objects.count() == 1
    assert Rollup.objects.get(measure="RESP").n == 1


def test_closed_campaign_and_scope(world, campaign):
    with pytest.raises(PermissionDenied):
        actions.write_responses(
            campaign,
            [{"answers": servqual_answers(), "site": world.site_a}],
            channel=API,
            acting_user=world.alpha_agent,
        )
    with pytest.raises(ValidationError) as exc:
        actions.write_responses(
            campaign,
            [{"answers": servqual_answers(), "site": world.site_a}],
            channel=API,
            acting_user=world.bravo_manager,
        )
    assert "outside your scope" in exc.value.messages[0]
    actions.do_close_campaign(campaign, acting_user=world.qm, channel=Channel.WEB)
    with pytest.raises(ValidationError, match="closed"):
        actions.write_responses(
            campaign,
            [{"answers": servqual_answers(), "site": world.site_a}],
            channel=API,
            acting_user=world.qm,
        )


def test_points_must_add_to_100_and_show_if(world, campaign, builtins):
    answers = servqual_answers()
    answers.update({"IMP_TAN": 10, "IMP_REL": 30, "IMP_RES": 20, "IMP_ASS": 20, "IMP_EMP": 10})
    with pytest.raises(ValidationError, match="add up to 100"):
        actions.write_responses(
            campaign, [{"answers": answers, "site": world.site_a}], channel=API, acting_user=None
        )
    answers["IMP_EMP"] = 20
    actions.write_responses(
        campaign, [{"answers": answers, "site": world.site_a}], channel=API, acting_user=None
    )
    assert Rollup.objects.filter(measure="SQ.WGAP").exists()


def test_a_concurrent_write_of_the_same_external_id_is_retried_once(world, campaign, monkeypatch):  # type: ignore[no-untyped-def]
    """Another request stores external id X between our look-up and our insert: the unique
    constraint refuses the insert, and write_responses (not its callers) runs once more,
    now reporting X as existing."""
    first = actions.write_responses(
        campaign,
        [{"answers": servqual_answers(), "site": world.site_a, "external_id": "X"}],
        channel=API,
        acting_user=world.alpha_manager,
    )
    real = actions.responses._stored_ids
    calls = []

    def stale_on_first_call(campaign_id, ext_ids):  # type: ignore[no-untyped-def]
        calls.append(ext_ids)
        return {} if len(calls) == 1 else real(campaign_id, ext_ids)

    monkeypatch.setattr(actions.responses, "_stored_ids", stale_on_first_call)
    rows = [
        {"answers": servqual_answers(), "site": world.site_a, "external_id": "X"},
        {"answers": servqual_answers(p=3), "site": world.site_a, "external_id": "Y"},
    ]
    result = actions.write_responses(campaign, rows, channel=API, acting_user=world.alpha_manager)
    assert len(calls) == 2
    assert result.existing == {"X": first.ids[0]} and result.created == 1
    assert sorted(Response.objects.values_list("external_id", flat=True)) == ["X", "Y"]
    assert CampaignSite.objects.get(campaign=campaign, site=world.site_a).response_count == 2
    rollup = Rollup.objects.get(campaign=campaign, measure="RESP")
    assert rollup.n == 2
