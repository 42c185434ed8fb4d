"""The capacity plan of a site: Erlang C staffing per hour of the week from its arrival
profile (``sqms.analytics.queueing.staffing_profile``), compared with the staff rostered; and
arrival profiles derived from timestamps in the data (complaints received, survey responses
submitted), averaged per hour of the week in the site's time zone."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sqms.analytics import queueing
from sqms.core.models import Site
from sqms.improvement.models import HOURS_PER_WEEK, ArrivalProfile, ProfileSource, StaffRoster

WEEKDAYS = (
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
)
INTERVAL = 3600.0  # one hour, in seconds


@dataclass(frozen=True)
class PlanRow:
    """One hour of the week. ``needed`` agents on duty meet the target; ``to_roster`` is that
    after shrinkage; ``gap`` = rostered − to_roster (negative: under-staffed). The ``roster_*``
    values are what the rostered staff reach (None: overloaded, the queue grows)."""

    weekday: int  # 0 = Monday
    hour: int
    arrivals: float
    traffic: float
    needed: int
    to_roster: int
    p_wait: float
    asa: float
    service_level: float
    occupancy: float
    rostered: int | None
    gap: int | None
    roster_service_level: float | None
    roster_asa: float | None

    @property
    def index(self) -> int:
        return self.weekday * 24 + self.hour

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"


@dataclass(frozen=True)
class Plan:
    site: Site
    profile: ArrivalProfile
    roster: StaffRoster | None
    rows: list[PlanRow]

    @property
    def target_level(self) -> float:
        return float(self.profile.target_level) / 100.0

    @property
    def shrinkage(self) -> float:
        return float(self.profile.shrinkage) / 100.0

    @property
    def arrivals_total(self) -> float:
        return sum(r.arrivals for r in self.rows)

    @property
    def staff_hours_needed(self) -> int:
        return sum(r.to_roster for r in self.rows)

    @property
    def staff_hours_rostered(self) -> int | None:
        return None if self.roster is None else sum(r.rostered or 0 for r in self.rows)

    @property
    def hours_under(self) -> int:
        return sum(1 for r in self.rows if r.gap is not None and r.gap < 0)

    @property
    def hours_over(self) -> int:
        return sum(1 for r in self.rows if r.gap is not None and r.gap > 0)

    @property
    def peak(self) -> PlanRow:
        return max(self.rows, key=lambda r: (r.to_roster, r.arrivals))


def _on_duty(rostered: int, shrinkage: float) -> int:
    return math.floor(rostered * (1.0 - shrinkage) + 1e-9)


def build_plan(profile: ArrivalProfile, roster: StaffRoster | None) -> Plan:
    """Staff needed per hour for the profile's target, and the rostered staff beside it."""
    h = float(profile.handling_time)
    tl = float(profile.target_level) / 100.0
    t = float(profile.target_seconds)
    s = float(profile.shrinkage) / 100.0
    arrivals = [float(v) for v in profile.arrivals]
    sp = queueing.staffing_profile(
        arrivals, interval=INTERVAL, service_time=h, target_level=tl, within=t, shrinkage=s
    )
    assert sp.service_level is not None
    staff = [int(v) for v in roster.staff] if roster is not None else None
    rows = []
    for i in range(HOURS_PER_WEEK):
        rostered = staff[i] if staff is not None else None
        gap = r_sl = r_asa = None
        if rostered is not None:
            gap = rostered - int(sp.rostered[i])
            on_duty = _on_duty(rostered, s)
            if arrivals[i] == 0:
                r_sl, r_asa = 1.0, 0.0
            elif on_duty > sp.traffic[i]:
                q = queueing.mmc(arrivals[i] / INTERVAL, 1.0 / h, on_duty)
                r_sl, r_asa = q.service_level(t), q.asa
        rows.append(
            PlanRow(
                weekday=i // 24,
                hour=i % 24,
                arrivals=arrivals[i],
                traffic=float(sp.traffic[i]),
                needed=int(sp.servers[i]),
                to_roster=int(sp.rostered[i]),
                p_wait=float(sp.p_wait[i]),
                asa=float(sp.asa[i]),
                service_level=float(sp.service_level[i]),
                occupancy=float(sp.occupancy[i]),
                rostered=rostered,
                gap=gap,
                roster_service_level=r_sl,
                roster_asa=r_asa,
            )
        )
    return Plan(profile.site, profile, roster, rows)


def plan_for_site(site: Site) -> Plan | None:
    profile = ArrivalProfile.objects.filter(site=site).select_related("site").first()
    if profile is None:
        return None
    return build_plan(profile, StaffRoster.objects.filter(site=site).first())


def plans_for_sites(site_ids: Iterable[int]) -> list[tuple[Site, Plan]]:
    """The plan of each of these sites that has an arrival profile, by site code, from one
    query (profile and roster are one-to-one with the site)."""
    profiles = (
        ArrivalProfile.objects.filter(site_id__in=list(site_ids))
        .select_related("site", "site__staff_roster")
        .order_by("site__code")
    )
    return [(pr.site, build_plan(pr, getattr(pr.site, "staff_roster", None))) for pr in profiles]


# Derived profiles ------------------------------------------------------------------------


def _timestamps(site: Site, source: str) -> tuple[QuerySet[ArrivalProfile], str]:
    if source == ProfileSource.COMPLAINTS:
        from sqms.complaints.models import Complaint

        return Complaint.objects.filter(site=site), "received_at"  # type: ignore[return-value]
    if source == ProfileSource.SURVEYS:
        from sqms.surveys.models import Response

        return Response.objects.filter(site=site), "submitted_at"  # type: ignore[return-value]
    raise ValueError(_("Unknown source %(source)r.") % {"source": source})


def weekday_counts(date_from: dt.date, date_to: dt.date) -> list[int]:
    """How many Mondays … Sundays the inclusive date range holds."""
    days = (date_to - date_from).days + 1
    counts = [days // 7] * 7
    for k in range(days % 7):
        counts[(date_from.weekday() + k) % 7] += 1
    return counts


def derive_arrivals(
    site: Site, source: str, date_from: dt.date, date_to: dt.date
) -> tuple[list[float], int]:
    """Mean arrivals per hour of the week over the local dates ``date_from`` … ``date_to``
    (inclusive) in the site's time zone, and the number of timestamps counted. Each hour's
    count is divided by how many times its weekday occurs in the range."""
    if date_to < date_from:
        raise ValueError(_("The end date is before the start date."))
    tz = ZoneInfo(site.time_zone)
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    qs, field = _timestamps(site, source)
    grouped = (
        qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(_wd=ExtractIsoWeekDay(field, tzinfo=tz), _hr=ExtractHour(field, tzinfo=tz))
        .values("_wd", "_hr")
        .annotate(_n=Count("id"))
        .order_by()
    )
    occurrences = weekday_counts(date_from, date_to)
    values = [0.0] * HOURS_PER_WEEK
    total = 0
    for row in grouped:
        wd = int(row["_wd"]) - 1
        n = int(row["_n"])
        total += n
        values[wd * 24 + int(row["_hr"])] = n / occurrences[wd]
    return values, total


# Tables and charts ------------------------------------------------------------------------


def plan_header() -> list[str]:
    return [
        _("Weekday"),
        _("Hour"),
        _("Arrivals"),
        _("Traffic (Erlangs)"),
        _("Agents needed"),
        _("To roster"),
        _("P(wait)"),
        _("ASA (s)"),
        _("Service level"),
        _("Occupancy"),
        _("Rostered"),
        _("Gap"),
        _("Service level with roster"),
        _("ASA with roster (s)"),
    ]


def _r(v: float | None, digits: int) -> float | None:
    return None if v is None else round(v, digits)


def plan_cells(row: PlanRow) -> list[object]:
    """One row of the export and CLI, in :func:`plan_header` order."""
    return [
        str(WEEKDAYS[row.weekday]),
        row.hour,
        round(row.arrivals, 3),
        round(row.traffic, 4),
        row.needed,
        row.to_roster,
        round(row.p_wait, 4),
        round(row.asa, 1),
        round(row.service_level, 4),
        round(row.occupancy, 4),
        row.rostered,
        row.gap,
        _r(row.roster_service_level, 4),
        _r(row.roster_asa, 1),
    ]


def plan_figure(plan: Plan) -> dict[str, object]:
    """Staff to roster (bars) and rostered (line) per hour, arrivals on a second axis."""
    from sqms.core.charts import base_layout

    x = [r.label for r in plan.rows]
    data: list[dict[str, object]] = [
        {"type": "bar", "name": _("Staff needed (to roster)"), "x": x,
         "y": [r.to_roster for r in plan.rows], "marker": {"color": "#9ab7d3"}},
    ]  # fmt: skip
    if plan.roster is not None:
        data.append(
            {"type": "scatter", "mode": "lines", "name": _("Rostered"), "x": x,
             "y": [r.rostered for r in plan.rows], "line": {"color": "#c0392b", "shape": "hv"}}
        )  # fmt: skip
    data.append(
        {"type": "scatter", "mode": "lines", "name": _("Arrivals per hour"), "x": x,
         "y": [r.arrivals for r in plan.rows], "yaxis": "y2",
         "line": {"color": "#7f8c8d", "dash": "dot"}}
    )  # fmt: skip
    layout = base_layout(
        xaxis={"type": "category", "tickangle": -60, "nticks": 28},
        yaxis={"title": _("Staff"), "rangemode": "tozero"},
        yaxis2={"title": _("Arrivals"), "overlaying": "y", "side": "right", "rangemode": "tozero"},
    )
    return {"data": data, "layout": layout}
