"""The Check of a PDCA project: the project's KPI for its unit over the baseline period and
the "after" period, from the stored KPI values (``sqms.kpis.models.KpiValue``), and the test
of :mod:`sqms.analytics.compare` that fits the KPI's nature:

- proportion → :func:`~sqms.analytics.compare.two_proportions`, numerators and n pooled over
  the periods of each window (pooled two-proportion z-test);
- rate per N → :func:`~sqms.analytics.compare.rate_ratio` on the events and exposures pooled
  over each window (exact conditional Poisson test);
- count → :func:`~sqms.analytics.compare.rate_ratio` with the number of periods as exposure
  (counts per period);
- measurement → :func:`~sqms.analytics.compare.welch_t` on the period values.

The proposed verdict: *effective* when the after value meets the target (on the KPI's
better side) and the change is significant in the better direction; *improved* when the
change is a significant improvement but the target is not met; *not effective* otherwise;
*no data* when a window has too few values to test."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from sqms.analytics.compare import ComparisonResult, rate_ratio, two_proportions, welch_t
from sqms.core.charts import base_layout
from sqms.kpis.choices import Direction, Nature
from sqms.kpis.models import Kpi, KpiValue

EFFECTIVE, IMPROVED, NOT_EFFECTIVE, NO_DATA = "effective", "improved", "not_effective", "no_data"


def verdict_label(code: str) -> str:
    return {
        EFFECTIVE: _("effective: target met and the change is significant"),
        IMPROVED: _("improved significantly, but the target is not met"),
        NOT_EFFECTIVE: _("not effective"),
        NO_DATA: _("not enough data to judge"),
    }.get(code, code)


@dataclass(frozen=True)
class Window:
    date_from: str
    date_to: str
    periods: int
    value: float | None  # the window's KPI value (pooled, or the mean of period values)
    events: float | None  # numerator pooled (proportion, rate, count)
    n: float | None  # n pooled (proportion, rate) or number of periods (count)
    values: list[float]  # the period values, oldest first
    dates: list[str]


def _window(kpi: Kpi, unit_key: str, lo: dt.date, hi: dt.date) -> Window:
    rows = list(
        KpiValue.objects.filter(kpi=kpi, unit_key=unit_key, period__gte=lo, period__lte=hi)
        .order_by("period")
        .values_list("period", "value", "n", "numerator")
    )
    values = [r[1] for r in rows]
    dates = [r[0].isoformat() for r in rows]
    events: float | None = None
    n: float | None = None
    value: float | None = None
    if kpi.nature in (Nature.PROPORTION, Nature.RATE):
        pairs = [(r[3], r[2]) for r in rows if r[3] is not None and r[2]]
        if pairs:
            events = float(sum(a for a, _b in pairs))
            n = float(sum(b for _a, b in pairs))
            k = kpi.rate_base if kpi.nature == Nature.RATE else 1
            value = k * events / n
    elif kpi.nature == Nature.COUNT:
        if rows:
            events = float(sum(v for v in values))
            n = float(len(rows))
            value = events / n
    elif values:
        value = sum(values) / len(values)
    return Window(lo.isoformat(), hi.isoformat(), len(rows), value, events, n, values, dates)


def _test(kpi: Kpi, before: Window, after: Window) -> ComparisonResult:
    """The test fitting the KPI's nature (ValueError when the data cannot be tested)."""
    if kpi.nature == Nature.PROPORTION:
        if before.n is None or after.n is None:
            raise ValueError(_("a window has no value with its n"))
        return two_proportions(
            round(before.events or 0), round(before.n), round(after.events or 0), round(after.n)
        )
    if kpi.nature in (Nature.RATE, Nature.COUNT):
        if not before.n or not after.n:
            raise ValueError(_("a window has no value"))
        return rate_ratio(round(before.events or 0), before.n, round(after.events or 0), after.n)
    if before.periods < 2 or after.periods < 2:
        raise ValueError(_("a measurement needs at least two periods in each window"))
    return welch_t(before.values, after.values)


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def measure(
    kpi: Kpi,
    unit_key: str,
    baseline: tuple[dt.date, dt.date],
    after: tuple[dt.date, dt.date],
    target: float | None,
) -> dict[str, Any]:
    """The before/after figures, the test and the proposed verdict, as JSON-safe data."""
    b = _window(kpi, unit_key, *baseline)
    a = _window(kpi, unit_key, *after)
    out: dict[str, Any] = {
        "kpi": kpi.code,
        "nature": str(kpi.nature),
        "direction": str(kpi.direction),
        "target": target,
        "before": asdict(b),
        "after": asdict(a),
        "test": None,
        "note": "",
    }
    try:
        t = _test(kpi, b, a)
    except ValueError as exc:
        out["note"] = str(exc)
        out["verdict"] = NO_DATA
        return out
    out["test"] = {
        "test": t.test,
        "statistic": _finite(t.statistic),
        "df": _finite(t.df),
        "pvalue": t.pvalue,
        "estimate": _finite(t.estimate),
        "estimate_name": t.estimate_name,
        "lo": _finite(t.lo),
        "hi": _finite(t.hi),
        "significant": t.significant,
    }
    higher = kpi.direction == Direction.HIGHER
    null = 1.0 if t.estimate_name == "rate ratio" else 0.0
    better = t.significant and ((t.estimate > null) if higher else (t.estimate < null))
    met = (
        target is not None
        and a.value is not None
        and ((a.value >= target) if higher else (a.value <= target))
    )
    out["target_met"] = met
    out["verdict"] = EFFECTIVE if better and met else IMPROVED if better else NOT_EFFECTIVE
    return out


def before_after_chart(result: dict[str, Any], kpi_name: str) -> dict[str, Any]:
    """The period values before and after, each window's value as a line, and the target
    (a plotly figure in the ``sqms.core.charts`` layout)."""
    traces: list[dict[str, Any]] = []
    for key, label in (("before", _("Before")), ("after", _("After"))):
        w = result[key]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": w["dates"],
                "y": w["values"],
            }
        )
        if w["value"] is not None and w["dates"]:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": _("%(w)s (pooled)") % {"w": label},
                    "x": [w["dates"][0], w["dates"][-1]],
                    "y": [w["value"], w["value"]],
                    "line": {"dash": "dash", "width": 1},
                }
            )
    dates = result["before"]["dates"] + result["after"]["dates"]
    if result.get("target") is not None and dates:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Target"),
                "x": [dates[0], dates[-1]],
                "y": [result["target"]] * 2,
                "line": {"dash": "dot", "color": "#27ae60"},
            }
        )
    return {
        "data": traces,
        "layout": base_layout(yaxis={"title": kpi_name}, xaxis={"type": "date"}),
    }


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The check in words (the CLI prints these)."""

    def fmt(x: Any) -> str:
        return "-" if x is None else f"{x:.6g}"

    lines = []
    for key, label in (("before", _("Before")), ("after", _("After"))):
        w = result[key]
        extra = ""
        if w["events"] is not None:
            extra = f" ({fmt(w['events'])}/{fmt(w['n'])})"
        lines.append(
            f"{label} {w['date_from']}…{w['date_to']}: {w['periods']} "
            + _("period(s)")
            + f", {fmt(w['value'])}{extra}"
        )
    t = result.get("test")
    if t:
        lines.append(
            f"{t['test']}: " + _("statistic") + f" {fmt(t['statistic'])}, p = {fmt(t['pvalue'])}, "
            f"{t['estimate_name']} {fmt(t['estimate'])} [{fmt(t['lo'])}, {fmt(t['hi'])}]"
        )
    if result.get("note"):
        lines.append(result["note"])
    lines.append(_("Target") + f": {fmt(result.get('target'))}")
    lines.append(_("Verdict") + f": {verdict_label(result['verdict'])}")
    return lines
