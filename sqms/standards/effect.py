"""The measured effect of a training: its metric over ``window_days`` before the training day
and as many days after it (the day itself belongs to neither), at the training's sites in the
reader's scope, with the significance test of :mod:`sqms.analytics.compare`:

- the linked checklist items' pass rate → :func:`~sqms.analytics.compare.two_proportions`
  (pooled two-proportion z-test, Newcombe interval of the difference after − before);
- the complaint count of a linked category → :func:`~sqms.analytics.compare.rate_ratio`
  (exact conditional test of two Poisson counts; the windows are equally long, so the exposure
  is the number of days and the ratio is after / before)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from sqms.analytics.compare import ComparisonResult, rate_ratio, two_proportions
from sqms.core import charts
from sqms.core.models import Site
from sqms.standards.choices import EffectMetric, LinkKind
from sqms.standards.kept import bounds, category_complaints, item_answers, pass_counts, wilson
from sqms.standards.models import Training


@dataclass(frozen=True)
class Window:
    label: str
    date_from: date
    date_to: date
    events: int  # passes, or complaints
    n: int  # answers (pass rate) or days (complaints)

    @property
    def value(self) -> float | None:
        if self.n == 0:
            return None
        return self.events / self.n


@dataclass(frozen=True)
class Effect:
    metric: str
    before: Window
    after: Window
    test: ComparisonResult | None
    note: str


def windows(training: Training) -> tuple[tuple[date, date], tuple[date, date]]:
    w = training.window_days
    day = training.held_on
    return (day - timedelta(days=w), day - timedelta(days=1)), (
        day + timedelta(days=1),
        day + timedelta(days=w),
    )


def training_effect(training: Training, user: Any) -> Effect:
    (b0, b1), (a0, a1) = windows(training)
    site_ids = list(
        Site.objects.restrict(user)
        .filter(pk__in=training.sites.values("pk"))
        .values_list("pk", flat=True)
    )
    metric = training.effect_metric
    test: ComparisonResult | None = None
    note = ""
    if metric == EffectMetric.PASS_RATE:
        links = list(training.standard.links.filter(kind=LinkKind.CHECKLIST_ITEM))
        counts = []
        for lo, hi in ((b0, b1), (a0, a1)):
            start, end = bounds(lo, hi)
            n, passed = pass_counts(item_answers(user, links, start, end, site_ids))
            counts.append((passed, n))
        before = Window(_("Before"), b0, b1, counts[0][0], counts[0][1])
        after = Window(_("After"), a0, a1, counts[1][0], counts[1][1])
        if not links:
            note = _("The standard links no checklist item.")
        elif before.n and after.n:
            test = two_proportions(before.events, before.n, after.events, after.n)
        else:
            note = _("No answers in one of the windows: nothing to compare.")
    else:
        days = training.window_days
        totals: list[int] = []
        for lo, hi in ((b0, b1), (a0, a1)):
            start, end = bounds(lo, hi)
            if training.effect_category_id is None:
                totals.append(0)
            else:
                totals.append(
                    category_complaints(
                        user, training.effect_category_id, start, end, site_ids
                    ).count()
                )
        before = Window(_("Before"), b0, b1, totals[0], days)
        after = Window(_("After"), a0, a1, totals[1], days)
        if totals[0] + totals[1]:
            test = rate_ratio(before.events, days, after.events, days)
        else:
            note = _("No complaints in either window: nothing to compare.")
    return Effect(metric, before, after, test, note)


def effect_chart(effect: Effect) -> dict[str, Any]:
    """Bars of the metric before and after (pass rate with its Wilson interval; the count)."""
    labels = [
        f"{effect.before.label} {effect.before.date_from:%Y-%m-%d}–{effect.before.date_to:%m-%d}",
        f"{effect.after.label} {effect.after.date_from:%Y-%m-%d}–{effect.after.date_to:%m-%d}",
    ]
    if effect.metric == EffectMetric.PASS_RATE:
        values, plus, minus = [], [], []
        for w in (effect.before, effect.after):
            ci = wilson(w.events, w.n)
            values.append(None if ci is None else 100 * ci.proportion)
            plus.append(None if ci is None else 100 * (ci.hi - ci.proportion))
            minus.append(None if ci is None else 100 * (ci.proportion - ci.lo))
        trace: dict[str, Any] = {
            "type": "bar",
            "x": labels,
            "y": values,
            "name": _("Pass rate (%)"),
            "error_y": {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus},
        }
        ytitle = _("Pass rate (%)")
    else:
        trace = {
            "type": "bar",
            "x": labels,
            "y": [effect.before.events, effect.after.events],
            "name": _("Complaints"),
        }
        ytitle = _("Complaints")
    return {
        "data": [trace],
        "layout": charts.base_layout(yaxis={"title": ytitle, "rangemode": "tozero"}),
    }


def as_json(effect: Effect) -> dict[str, Any]:
    def window(w: Window) -> dict[str, Any]:
        return {
            "date_from": w.date_from.isoformat(),
            "date_to": w.date_to.isoformat(),
            "events": w.events,
            "n": w.n,
            "value": w.value,
        }

    t = effect.test

    def finite(x: float) -> float | None:
        return x if math.isfinite(x) else None

    return {
        "metric": effect.metric,
        "before": window(effect.before),
        "after": window(effect.after),
        "test": None
        if t is None
        else {
            "test": t.test,
            "estimate": finite(t.estimate),
            "estimate_name": t.estimate_name,
            "lo": finite(t.lo),
            "hi": finite(t.hi),
            "pvalue": t.pvalue,
            "significant": t.significant,
            "verdict": t.verdict,
        },
        "note": effect.note,
    }
