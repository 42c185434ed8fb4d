"""Self-inspection against supervisor and mystery-shopper scores of the same site and month.

Per site: the mean self-inspection score minus the mean score of the other visits (supervisor
and mystery shopper) over the selection, with Welch's two-sample test on the inspection scores
(``sqms.analytics.compare`` through ``sqms.core.stats.mean_difference``), and the paired t-test
over the months in which the site had both (``compare.paired_t`` on the monthly means).

A site is **flagged** when, in at least 3 of its last 4 months with both kinds, its own score
was higher than the visitors', and the two-sample difference is positive and significant
(p < 0.05): a site that consistently rates itself higher than others do. The kind filter does
not apply (the page compares kinds). One ``GROUP BY`` site × month × kind.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics import compare
from sqms.core.panels import Cell, Panel, count, num, text
from sqms.core.stats import ZERO, Difference, Sums, mean_difference
from sqms.inspections.choices import InspectionKind
from sqms.inspections.report_filters import ResultFilters, inspections
from sqms.inspections.reports.frame import (
    add_sums,
    frame,
    render_report,
    report_view,
    score_sums,
    sums_of,
)
from sqms.inspections.reports.trend import as_month

ALPHA = 0.05
#: the flag: self higher in at least HIGHER_IN of the last LAST_PERIODS paired months
LAST_PERIODS = 4
HIGHER_IN = 3
VISITS = (InspectionKind.SUPERVISOR, InspectionKind.MYSTERY)


@dataclass
class SiteComparison:
    site_id: int
    code: str
    name: str
    self_sums: Sums = ZERO
    other_sums: Sums = ZERO
    self_months: dict[dt.date, Sums] = field(default_factory=dict)
    other_months: dict[dt.date, Sums] = field(default_factory=dict)
    welch: Difference | None = None
    paired_diff: float | None = None
    paired_p: float | None = None
    higher_in_last: int = 0
    paired_months: int = 0
    flagged: bool = False

    @property
    def self_mean(self) -> float | None:
        return self.self_sums[1] / self.self_sums[0] if self.self_sums[0] else None

    @property
    def other_mean(self) -> float | None:
        return self.other_sums[1] / self.other_sums[0] if self.other_sums[0] else None

    @property
    def difference(self) -> float | None:
        if self.self_mean is None or self.other_mean is None:
            return None
        return self.self_mean - self.other_mean


@dataclass(frozen=True)
class SelfComparison:
    filters: ResultFilters
    sites: list[SiteComparison]


def _mean(s: Sums) -> float:
    return s[1] / s[0]


def _finish(site: SiteComparison) -> None:
    if site.self_sums[0] and site.other_sums[0]:
        site.welch = mean_difference(site.other_sums, site.self_sums)
    months = sorted(set(site.self_months) & set(site.other_months))
    site.paired_months = len(months)
    selfs = [_mean(site.self_months[m]) for m in months]
    others = [_mean(site.other_months[m]) for m in months]
    last = list(zip(selfs, others, strict=True))[-LAST_PERIODS:]
    site.higher_in_last = sum(1 for s, o in last if s > o)
    if len(months) >= 2:
        site.paired_diff = sum(selfs) / len(selfs) - sum(others) / len(others)
        try:
            r = compare.paired_t(others, selfs, alpha=ALPHA)
            site.paired_p = float(r.pvalue) if math.isfinite(r.pvalue) else None
        except ValueError:  # every month the same difference: no test
            site.paired_p = None
    w = site.welch
    significant = (
        w is not None and math.isfinite(w.p_value) and w.p_value < ALPHA and w.estimate > 0
    )
    site.flagged = site.higher_in_last >= HIGHER_IN and significant


def self_report(user: Any, f: ResultFilters) -> SelfComparison:
    from dataclasses import replace

    qs = (
        inspections(user, replace(f, kind=""))
        .filter(kind__in=[InspectionKind.SELF, *VISITS])
        .annotate(month_=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
    )
    sites: dict[int, SiteComparison] = {}
    for row in score_sums(qs, "site_id", "site__code", "site__name", "month_", "kind"):
        site = sites.setdefault(
            row["site_id"], SiteComparison(row["site_id"], row["site__code"], row["site__name"])
        )
        month, sums = as_month(row["month_"]), sums_of(row)
        if row["kind"] == InspectionKind.SELF:
            site.self_sums = add_sums(site.self_sums, sums)
            site.self_months[month] = add_sums(site.self_months.get(month, ZERO), sums)
        else:
            site.other_sums = add_sums(site.other_sums, sums)
            site.other_months[month] = add_sums(site.other_months.get(month, ZERO), sums)
    for site in sites.values():
        _finish(site)
    ordered = sorted(sites.values(), key=lambda s: (not s.flagged, s.code))
    return SelfComparison(f, ordered)


def _p(value: float | None) -> Cell:
    if value is None or not math.isfinite(value):
        return Cell("–", "", css="num muted")
    return Cell(f"{value:.3f}" if value >= 0.001 else "<0.001", round(value, 6), css="num")


def self_panels(r: SelfComparison) -> list[Panel]:
    panel = Panel(
        "self",
        _("Self-inspection vs supervisor and mystery shopper"),
        [
            _("Site"),
            _("Name"),
            _("Self-inspections"),
            _("Self mean %"),
            _("Visits"),
            _("Visits mean %"),
            _("Difference (self − visits)"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("Welch p"),
            _("Months with both"),
            _("Paired difference"),
            _("Paired p"),
            _("Self higher, last 4 months"),
            _("Rates itself higher"),
        ],
        note=_(
            "Visits are supervisor visits and mystery-shopper inspections. “Rates itself "
            "higher” flags a site whose own score was higher than the visitors' in at least "
            "%(higher)d of its last %(last)d months with both, and whose self-inspection "
            "scores are significantly higher overall (Welch's two-sample test, p < 0.05). "
            "It is a signal to check how the site inspects itself, not a verdict. The paired "
            "test compares the monthly means of the months with both. The kind filter does "
            "not apply to this page."
        )
        % {"higher": HIGHER_IN, "last": LAST_PERIODS},
        open=True,
    )
    for s in r.sites:
        w = s.welch
        panel.rows.append(
            [
                text(s.code),
                text(s.name),
                count(s.self_sums[0]),
                num(s.self_mean),
                count(s.other_sums[0]),
                num(s.other_mean),
                num(s.difference),
                num(w.low if w else None),
                num(w.high if w else None),
                _p(w.p_value if w else None),
                count(s.paired_months),
                num(s.paired_diff),
                _p(s.paired_p),
                count(s.higher_in_last),
                Cell(_("yes"), "yes", css="badge warn") if s.flagged else Cell(_("no"), "no"),
            ]
        )
    return [panel]


@report_view("inspections")
def report_self(request: HttpRequest) -> HttpResponseBase:
    f = ResultFilters.from_params(request.GET)
    r = self_report(request.user, f)
    panels = self_panels(r) if r.sites else []
    context = frame(
        request, f, "inspections:report_self", _("Self-inspection vs supervisor scores")
    )
    return render_report(request, context, panels)
