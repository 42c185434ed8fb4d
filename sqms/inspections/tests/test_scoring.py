"""The scoring rule of sqms.inspections.scoring, on hand-worked checklists."""

from decimal import Decimal as D

import pytest

from sqms.inspections.scoring import ItemRule, ItemScore, ScoringError, score_item, total

PF = ItemRule("pass_fail", D(2))
SCALE = ItemRule("scale", D(3))
TEMP = ItemRule("numeric", D(1), target=D(4), tolerance=D("0.5"))


def test_item_points():
    assert score_item(PF, "pass") == ItemScore(D(2), D(2), False)
    assert score_item(PF, "fail") == ItemScore(D(0), D(2), True)
    assert score_item(PF, "na") == ItemScore(D(0), D(0), False)
    assert score_item(SCALE, value=D(4)) == ItemScore(D("2.40"), D(3), False)
    assert score_item(SCALE, value=D(0)).failed is True
    assert score_item(TEMP, value=D("4.5")).failed is False  # the tolerance is inclusive
    assert score_item(TEMP, value=D("4.6")) == ItemScore(D(0), D(1), True)


@pytest.mark.parametrize(
    ("rule", "result", "value", "field"),
    [
        (PF, "", None, "result"),
        (SCALE, "", D(7), "value"),
        (SCALE, "", D("2.5"), "value"),
        (SCALE, "", None, "value"),
        (TEMP, "", None, "value"),
    ],
)
def test_out_of_range_answers_name_the_field(rule, result, value, field):
    with pytest.raises(ScoringError) as err:
        score_item(rule, result, value)
    assert err.value.field == field


def test_total_fail_rule_and_cap_rule():
    # 2 + 2.40 + 0 of 2 + 3 + 1 = 4.40 / 6 = 73.33 %
    scores = [
        (score_item(PF, "pass"), False),
        (score_item(SCALE, value=D(4)), False),
        (score_item(TEMP, value=D(9)), True),
    ]
    failing = total(scores, pass_mark=D(70))
    assert (failing.score, failing.critical_failed, failing.passed) == (D("73.33"), True, False)
    capped = total(scores, pass_mark=D(50), critical_rule="cap", cap=D(60))
    assert (capped.score, capped.passed) == (D("60.00"), True)
    clean = total(scores[:2], pass_mark=D(90))
    assert (clean.score, clean.passed) == (D("88.00"), False)  # 4.40 / 5


def test_nothing_applicable_has_no_score():
    t = total([(score_item(PF, "na"), True)], pass_mark=D(80))
    assert (t.score, t.passed, t.max_points) == (None, None, D(0))
