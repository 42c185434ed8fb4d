"""The measures one response adds to the rollups, computed by hand."""

from __future__ import annotations

import pytest

from sqms.surveys.measures import MeasurePlan, MeasureQuestion, measures_of


def servqual_plan(ratings: tuple[str, ...] = ("E", "P")) -> MeasurePlan:
    questions = [
        MeasureQuestion("SQ01", "ratings", "item", "tangibles", ratings, 7),
        MeasureQuestion("SQ02", "ratings", "item", "tangibles", ratings, 7),
        MeasureQuestion("SQ03", "ratings", "item", "reliability", ratings, 7),
        MeasureQuestion("IMP_TAN", "points", "importance", "tangibles"),
        MeasureQuestion("IMP_REL", "points", "importance", "reliability"),
        MeasureQuestion("OVERALL", "likert", "overall", scale_max=7),
        MeasureQuestion("COMMENT", "text", "comment"),
    ]
    return MeasurePlan.build(questions)


def test_servqual_gaps_dimensions_and_weighted_score() -> None:
    answers = {
        "SQ01.E": 7, "SQ01.P": 4,  # gap −3
        "SQ02.E": 6, "SQ02.P": 6,  # gap 0
        "SQ03.E": 5, "SQ03.P": 6,  # gap +1
        "IMP_TAN": 30, "IMP_REL": 70,
        "OVERALL": 5, "COMMENT": "排队太久",
    }  # fmt: skip
    m = measures_of(servqual_plan(), answers)
    assert m["SQ01.GAP"] == -3 and m["SQ02.GAP"] == 0 and m["SQ03.GAP"] == 1
    assert m["DIM.tangibles.GAP"] == -1.5
    assert m["DIM.reliability.GAP"] == 1.0
    assert m["DIM.tangibles.P"] == 5.0 and m["DIM.tangibles.E"] == 6.5
    assert m["DIMSUM.tangibles.P"] == 10.0  # both items answered
    assert m["SQ.GAP"] == pytest.approx((-1.5 + 1.0) / 2)
    assert m["SQ.IGAP"] == pytest.approx((-3 + 0 + 1) / 3)  # mean over the three items
    assert m["SQ.WGAP"] == pytest.approx((-1.5 * 30 + 1.0 * 70) / 100)
    assert m["SQ.PERF"] == pytest.approx((5.0 + 6.0) / 2)
    assert m["IMP.tangibles"] == 30 and m["OVERALL"] == 5 and m["RESP"] == 1
    assert not any(k.startswith("COMMENT") for k in m)


def test_missing_answers_are_left_out_not_counted_as_zero() -> None:
    m = measures_of(
        servqual_plan(), {"SQ01.E": 7, "SQ01.P": 4, "SQ02.P": 6, "SQ03.E": 5, "SQ03.P": 6}
    )
    assert "SQ02.GAP" not in m
    assert m["DIM.tangibles.GAP"] == -3  # only SQ01 has both ratings
    assert m["DIM.tangibles.P"] == 5.0  # SQ01.P and SQ02.P
    assert "DIMSUM.tangibles.E" not in m  # SQ02.E missing: no complete sum
    assert "SQ.WGAP" not in m  # no importance points given
    assert m["SQ.GAP"] == pytest.approx((-3 + 1) / 2)
    assert m["SQ.IGAP"] == pytest.approx((-3 + 1) / 2)  # SQ01 and SQ03


def test_zone_of_tolerance_gives_msa_and_mss() -> None:
    m = measures_of(servqual_plan(("A", "D", "P")), {"SQ01.A": 4, "SQ01.D": 7, "SQ01.P": 5})
    assert m["SQ01.MSA"] == 1 and m["SQ01.MSS"] == -2
    assert m["DIM.tangibles.MSA"] == 1 and m["DIM.tangibles.MSS"] == -2
    assert "SQ01.GAP" not in m


@pytest.mark.parametrize(
    ("score", "pro", "det"), [(10, 1, 0), (9, 1, 0), (8, 0, 0), (7, 0, 0), (6, 0, 1), (0, 0, 1)]
)
def test_nps_promoters_and_detractors(score: int, pro: int, det: int) -> None:
    plan = MeasurePlan.build([MeasureQuestion("NPS", "scale010", "nps", scale_max=10)])
    m = measures_of(plan, {"NPS": score})
    assert (m["NPS"], m["NPS.PRO"], m["NPS.DET"]) == (score, pro, det)


def test_csat_top_two_boxes_and_choices() -> None:
    plan = MeasurePlan.build(
        [
            MeasureQuestion("CSAT", "likert", "csat", scale_max=5),
            MeasureQuestion("VISIT", "multi", "other"),
            MeasureQuestion("AGE", "single", "other"),
        ]
    )
    assert measures_of(plan, {"CSAT": 4})["CSAT.TOP"] == 1
    assert measures_of(plan, {"CSAT": 3})["CSAT.TOP"] == 0
    m = measures_of(plan, {"CSAT": 5, "VISIT": ["shop", "repair"], "AGE": "30-39"})
    assert m["VISIT=shop"] == 1 and m["VISIT=repair"] == 1 and m["AGE=30-39"] == 1
