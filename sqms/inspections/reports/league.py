"""The site league table: rank by mean score over the period, with n, the 95 % interval and
the movement against the period of the same length just before.

Without a period the table covers the three months up to the latest inspection in the
selection. Two ``GROUP BY site`` queries (this period, the previous one) and one for the
latest month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core.charts import bar_with_ci
from sqms.core.panels import Cell, Panel, count, num, text
from sqms.core.stats import Stat
from sqms.inspections.report_filters import (
    ResultFilters,
    add_months,
    inspections,
    months_between,
)
from sqms.inspections.reports.frame import (
    frame,
    render_report,
    report_view,
    score_stat,
    score_sums,
)

#: months of the default period
DEFAULT_MONTHS = 3


@dataclass(frozen=True)
class LeagueRow:
    site_id: int
    code: str
    name: str
    score: Stat
    rank: int
    previous_rank: int | None
    previous_score: float | None

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period (positive = up); None = not ranked then."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class League:
    filters: ResultFilters
    first: dt.date | None
    last: dt.date | None
    previous_first: dt.date | None
    previous_last: dt.date | None
    rows: list[LeagueRow]


def period_of(user: Any, f: ResultFilters) -> tuple[dt.date, dt.date] | None:
    """The filters' months, completed: the last month defaults to the latest inspection's."""
    first, last = f.date_from, f.date_to
    if last is None:
        latest = inspections(user, f.with_period(first, None)).aggregate(m=Max("submitted_at"))["m"]
        if latest is None:
            return None
        day = timezone.localtime(latest).date()
        last = dt.date(day.year, day.month, 1)
    if first is None or first > last:
        first = add_months(last, 1 - DEFAULT_MONTHS)
    return first, last


def ranked(user: Any, f: ResultFilters) -> dict[int, tuple[int, Stat, str, str]]:
    """site id → (rank, mean score, code, name); rank 1 = highest mean, ties share a rank."""
    rows = [
        (row["site_id"], score_stat(row), row["site__code"], row["site__name"])
        for row in score_sums(inspections(user, f), "site_id", "site__code", "site__name")
    ]
    rows.sort(key=lambda r: (-(r[1].mean or 0.0), r[2]))
    out: dict[int, tuple[int, Stat, str, str]] = {}
    previous_mean: float | None = None
    rank = 0
    for position, (site_id, s, code, name) in enumerate(rows, start=1):
        if s.mean != previous_mean:
            rank = position
            previous_mean = s.mean
        out[site_id] = (rank, s, code, name)
    return out


def league_report(user: Any, f: ResultFilters) -> League:
    period = period_of(user, f)
    if period is None:
        return League(f, None, None, None, None, [])
    first, last = period
    length = months_between(first, last)
    previous = (add_months(first, -length), add_months(first, -1))
    now = ranked(user, f.with_period(first, last))
    before = ranked(user, f.with_period(*previous))
    rows = []
    for site_id, (rank, s, code, name) in now.items():
        prior = before.get(site_id)
        rows.append(
            LeagueRow(
                site_id,
                code,
                name,
                s,
                rank,
                prior[0] if prior else None,
                prior[1].mean if prior else None,
            )
        )
    rows.sort(key=lambda r: (r.rank, r.code))
    return League(f, first, last, previous[0], previous[1], rows)


def movement_cell(m: int | None) -> Cell:
    if m is None:
        return Cell(_("new"), "", css="muted")
    if m > 0:
        return Cell(f"▲ {m}", m, css="num")
    if m < 0:
        return Cell(f"▼ {-m}", m, css="num neg")
    return Cell("=", 0, css="num")


def league_panels(r: League) -> list[Panel]:
    assert r.first is not None and r.last is not None
    assert r.previous_first is not None and r.previous_last is not None
    panel = Panel(
        "league",
        _("Site league table"),
        [
            _("Rank"),
            _("Site"),
            _("Name"),
            _("Inspections"),
            _("Mean score %"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("Previous rank"),
            _("Previous mean %"),
            _("Movement"),
        ],
        note=_(
            "Period %(first)s to %(last)s, compared with %(pfirst)s to %(plast)s. Rank 1 is "
            "the highest mean score; equal means share a rank. Movement is the number of "
            "places gained (▲) or lost (▼); “new” means the site had no scored inspection "
            "in the previous period."
        )
        % {
            "first": r.first.strftime("%Y-%m"),
            "last": r.last.strftime("%Y-%m"),
            "pfirst": r.previous_first.strftime("%Y-%m"),
            "plast": r.previous_last.strftime("%Y-%m"),
        },
        open=True,
    )
    for row in r.rows:
        s = row.score
        panel.rows.append(
            [
                count(row.rank),
                text(row.code),
                text(row.name),
                count(s.n),
                num(s.mean),
                num(s.lo),
                num(s.hi),
                count(row.previous_rank) if row.previous_rank else Cell("–", "", css="muted"),
                num(row.previous_score),
                movement_cell(row.movement),
            ]
        )
    panel.figure = bar_with_ci(
        [row.code for row in r.rows],
        [row.score for row in r.rows],
        _("Mean score %"),
        horizontal=True,
    )
    return [panel]


@report_view("inspections")
def report_league(request: HttpRequest) -> HttpResponseBase:
    f = ResultFilters.from_params(request.GET)
    r = league_report(request.user, f)
    panels = league_panels(r) if r.rows else []
    context = frame(request, f, "inspections:report_league", _("Site league table"))
    return render_report(request, context, panels)
