"""Hand-computed inspection results for the report tests.

The store checklist (``factories.STORE_CHECKLIST``) has 6 points: A1 (1), A2 (2, critical),
B1 (0–5, weight 2), B2 (4 ± 1 °C, weight 1, critical); pass mark 80 %, a failed critical item
fails the inspection. Answers and their scores:

* ``ALL_PASS``  → 6/6 = 100.00, passed
* ``A1_FAIL``   → 5/6 = 83.33, passed (A1 failed)
* ``B1_THREE``  → 5.2/6 = 86.67, passed (B1 = 3 → 1.2 points, not a failure)
* ``A2_FAIL``   → 4/6 = 66.67, critical failure, not passed (A2 failed)
* ``B2_A1_FAIL`` → 4/6 = 66.67 (A1 and B2 failed), critical failure
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sqms.inspections.tests.factories import make_inspection

ALL_PASS = {"A1": ("pass", None), "A2": ("pass", None), "B1": ("", 5), "B2": ("", 4)}
A1_FAIL = {**ALL_PASS, "A1": ("fail", None)}
B1_THREE = {**ALL_PASS, "B1": ("", 3)}
A2_FAIL = {**ALL_PASS, "A2": ("fail", None)}
B2_A1_FAIL = {**ALL_PASS, "A1": ("fail", None), "B2": ("", 7)}


def at(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def inspect(
    site: Any, checklist: Any, answers: dict[str, Any], when: dt.datetime, **kw: Any
) -> Any:
    return make_inspection(site, checklist, answers, submitted_at=when, **kw)
