from decimal import Decimal as D

from sqms.inspections.tests.factories import make_checklist, make_inspection


def test_stored_answers_give_the_inspection_its_score(world):
    checklist = make_checklist()
    # A1 pass 1/1, A2 pass 2/2, B1 3 of 5 → 1.20/2, B2 6 °C outside 4±1 → 0/1 (critical)
    insp = make_inspection(
        world.site_a,
        checklist,
        {"A1": ("pass", None), "A2": ("pass", None), "B1": ("", 3), "B2": ("", 6)},
    )
    insp.refresh_from_db()
    assert (insp.points, insp.max_points, insp.score) == (D("4.20"), D("6.00"), D("70.00"))
    assert insp.critical_failed is True and insp.passed is False
    failed = list(insp.answers.filter(failed=True).values_list("item__code", flat=True))
    assert failed == ["B2"]
