"""CAPA analytics: open nonconformities by age, severity, origin and site; overdue actions;
on-time closure; recurrence (the same root cause at the same site within N months);
effectiveness rate; the sources of nonconformities month by month.

``capa_analytics(user, filters, today=…)`` computes the figures (through ``restrict``); the page
renders them as panels and the API returns them as JSON.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.metrics import proportion_ci
from sqms.capa.choices import OPEN_STAGES, ActionStatus, NcSeverity, Origin, Stage, Verdict
from sqms.capa.models import Action, FishboneCause, Nonconformity, Verification, WhyStep
from sqms.core import panels as P
from sqms.core.charts import base_layout
from sqms.core.models import Site
from sqms.core.scoping import restricted
from sqms.surveys.reports.frame import report_view

AGE_BUCKETS = ((0, 30, "0–30"), (31, 90, "31–90"), (91, 180, "91–180"), (181, None, "> 180"))


@dataclass(frozen=True)
class CapaFilters:
    site: int | None = None
    severity: str = ""
    origin: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    months: int = 12  # recurrence window
    region: int | None = None  # the management-review report's region scope

    @classmethod
    def from_query(cls, q: Any) -> CapaFilters:
        def _int(v: Any) -> int | None:
            try:
                return int(v)
            except (TypeError, ValueError):
                return None

        def _month(v: Any, end: bool = False) -> dt.date | None:
            try:
                d = dt.date.fromisoformat(f"{v}-01")
            except (TypeError, ValueError):
                return None
            if end:
                d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return d

        months = _int(q.get("months")) or 12
        return cls(
            site=_int(q.get("site")),
            severity=q.get("severity", "") if q.get("severity") in NcSeverity.values else "",
            origin=q.get("origin", "") if q.get("origin") in Origin.values else "",
            date_from=_month(q.get("from")),
            date_to=_month(q.get("to"), end=True),
            months=max(1, min(months, 120)),
        )

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.site:
            out["site"] = str(self.site)
        if self.severity:
            out["severity"] = self.severity
        if self.origin:
            out["origin"] = self.origin
        if self.date_from:
            out["from"] = self.date_from.strftime("%Y-%m")
        if self.date_to:
            out["to"] = self.date_to.strftime("%Y-%m")
        out["months"] = str(self.months)
        return out


@dataclass(frozen=True)
class Rate:
    k: int
    n: int
    lo: float | None = None
    hi: float | None = None

    @property
    def share(self) -> float | None:
        return self.k / self.n if self.n else None


def rate(k: int, n: int) -> Rate:
    if not n:
        return Rate(k, n)
    ci = proportion_ci(k, n)
    return Rate(k, n, ci.lo, ci.hi)


@dataclass(frozen=True)
class Recurrence:
    nc_id: int
    reference: str
    site: str
    cause: str
    previous: str
    raised_at: dt.datetime


@dataclass
class CapaAnalytics:
    filters: CapaFilters
    open_total: int = 0
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_severity: list[tuple[str, str, int]] = field(default_factory=list)
    by_origin: list[tuple[str, str, int]] = field(default_factory=list)
    by_site: list[tuple[str, int]] = field(default_factory=list)
    overdue_actions: int = 0
    overdue_list: list[Action] = field(default_factory=list)
    on_time_closure: Rate = field(default_factory=lambda: Rate(0, 0))
    on_time_actions: Rate = field(default_factory=lambda: Rate(0, 0))
    effectiveness: Rate = field(default_factory=lambda: Rate(0, 0))
    first_time_effective: Rate = field(default_factory=lambda: Rate(0, 0))
    coded: int = 0  # NCs whose root cause names a cause of the taxonomy
    recurrences: list[Recurrence] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    sources: dict[str, list[int]] = field(default_factory=dict)

    @property
    def recurrence_rate(self) -> Rate:
        return rate(len(self.recurrences), self.coded)


def find_recurrences(
    rows: Iterable[tuple[int, int | None, int, dt.datetime]], months: int
) -> list[tuple[int, int, int]]:
    """``rows`` of (nc id, site id, cause id, raised at): each (nc, earlier nc, cause) where an
    earlier NC of the same site had the same root cause within ``months`` months (30.44 days
    each) before. An NC counts once, against the latest such earlier NC."""
    window = dt.timedelta(days=months * 30.44)
    by_key: dict[tuple[int | None, int], list[tuple[dt.datetime, int]]] = defaultdict(list)
    for nc, site, cause, raised in rows:
        if site is not None:
            by_key[(site, cause)].append((raised, nc))
    found: dict[int, tuple[dt.datetime, int, int]] = {}
    for (_site, cause), events in by_key.items():
        events = sorted(set(events))
        for i, (raised, nc) in enumerate(events):
            earlier = [(r, n) for r, n in events[:i] if n != nc and raised - r <= window]
            if earlier:
                prev_at, prev = earlier[-1]
                if nc not in found or prev_at > found[nc][0]:
                    found[nc] = (prev_at, prev, cause)
    return sorted((nc, prev, cause) for nc, (_at, prev, cause) in found.items())


def _ncs(user: Any, f: CapaFilters) -> QuerySet[Nonconformity]:
    qs = Nonconformity.objects.restrict(user, "view")
    if f.site:
        qs = qs.filter(site_id=f.site)
    if f.region:
        qs = qs.filter(site__region_id=f.region)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.origin:
        qs = qs.filter(origin=f.origin)
    if f.date_from:
        qs = qs.filter(raised_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(raised_at__date__lte=f.date_to)
    return qs


def _on_time(pairs: Sequence[tuple[dt.datetime | None, dt.date | None]]) -> int:
    """How many (done or closed at, due date) pairs were done by their due date."""
    return sum(
        1
        for at, due in pairs
        if at is not None and due is not None and timezone.localtime(at).date() <= due
    )


def _site_code(nc: Nonconformity) -> str:
    return nc.site.code if nc.site is not None else ""


def _month_list(first: dt.date, last: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    d = first.replace(day=1)
    while d <= last and len(out) < 240:
        out.append(d)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def capa_analytics(user: Any, f: CapaFilters, *, today: dt.date | None = None) -> CapaAnalytics:
    today = today or timezone.localdate()
    ncs = _ncs(user, f)
    r = CapaAnalytics(filters=f)
    open_ncs = ncs.filter(stage__in=OPEN_STAGES)
    ages = [
        (today - timezone.localtime(at).date()).days
        for at in open_ncs.values_list("raised_at", flat=True)
    ]
    r.open_total = len(ages)
    r.by_age = [
        (label, sum(1 for a in ages if a >= lo and (hi is None or a <= hi)))
        for lo, hi, label in AGE_BUCKETS
    ]
    sev = dict(
        open_ncs.values_list("severity").annotate(n=Count("id")).values_list("severity", "n")
    )
    r.by_severity = [(v, str(lbl), int(sev.get(v, 0))) for v, lbl in NcSeverity.choices]
    ori = dict(open_ncs.values_list("origin").annotate(n=Count("id")).values_list("origin", "n"))
    r.by_origin = [(v, str(lbl), int(ori.get(v, 0))) for v, lbl in Origin.choices]
    per_site = Counter(open_ncs.values_list("site__code", flat=True))
    r.by_site = sorted(
        ((code or _("chain-wide"), n) for code, n in per_site.items()), key=lambda t: (-t[1], t[0])
    )

    actions = Action.objects.filter(nonconformity__in=ncs.values("pk"))
    overdue = actions.filter(
        status=ActionStatus.OPEN, due_date__lt=today, nonconformity__stage__in=OPEN_STAGES
    )
    r.overdue_actions = overdue.count()
    r.overdue_list = list(
        overdue.select_related("nonconformity", "nonconformity__site", "owner").order_by(
            "due_date"
        )[:20]
    )
    closed = list(
        ncs.filter(stage=Stage.CLOSED, due_date__isnull=False).values_list("closed_at", "due_date")
    )
    r.on_time_closure = rate(_on_time(closed), len(closed))
    done = list(actions.filter(status=ActionStatus.DONE).values_list("done_at", "due_date"))
    r.on_time_actions = rate(_on_time(done), len(done))
    verdicts = list(
        Verification.objects.filter(nonconformity__in=ncs.values("pk"))
        .exclude(verdict="")
        .values_list("verdict", flat=True)
    )
    r.effectiveness = rate(sum(1 for v in verdicts if v == Verdict.EFFECTIVE), len(verdicts))
    closed_cycles = list(ncs.filter(stage=Stage.CLOSED).values_list("cycle", flat=True))
    r.first_time_effective = rate(sum(1 for c in closed_cycles if c == 1), len(closed_cycles))

    # recurrence: root causes tied to the taxonomy, NCs of the selection (not cancelled)
    base = ncs.exclude(stage=Stage.CANCELLED)
    rows: set[tuple[int, int | None, int, dt.datetime]] = set()
    for model in (WhyStep, FishboneCause):
        for nc_id, site_id, cause_id, raised_at in model.objects.filter(
            nonconformity__in=base.values("pk"), is_root=True, cause__isnull=False
        ).values_list(
            "nonconformity_id", "nonconformity__site_id", "cause_id", "nonconformity__raised_at"
        ):
            rows.add((nc_id, site_id, cause_id, raised_at))
    r.coded = len({row[0] for row in rows})
    pairs = find_recurrences(rows, f.months)
    if pairs:
        info = {
            n.pk: n
            for n in Nonconformity.objects.filter(
                pk__in={p for pair in pairs for p in pair[:2]}
            ).select_related("site")
        }
        from sqms.capa.models import Cause

        causes = {c.pk: c for c in Cause.objects.filter(pk__in={p[2] for p in pairs})}
        r.recurrences = [
            Recurrence(
                nc,
                info[nc].reference,
                _site_code(info[nc]),
                str(causes[cause]),
                info[prev].reference,
                info[nc].raised_at,
            )
            for nc, prev, cause in pairs
        ]

    # sources over time
    raised_rows: list[tuple[dt.datetime, str]] = list(ncs.values_list("raised_at", "origin"))
    if raised_rows:
        first = f.date_from or min(timezone.localtime(at).date() for at, _o in raised_rows)
        last = f.date_to or max(today, max(timezone.localtime(at).date() for at, _o in raised_rows))
        months = _month_list(first, last)
        index = {m: i for i, m in enumerate(months)}
        r.months = [m.strftime("%Y-%m") for m in months]
        counts: dict[str, list[int]] = {o: [0] * len(months) for o in Origin.values}
        for at, origin in raised_rows:
            key = timezone.localtime(at).date().replace(day=1)
            if key in index:
                counts[origin][index[key]] += 1
        r.sources = {o: c for o, c in counts.items() if any(c)}
    return r


# The page --------------------------------------------------------------------------------------


def _rate_row(label: str, x: Rate) -> list[P.Cell]:
    return [
        P.text(label),
        P.count(x.k),
        P.count(x.n),
        P.num(x.share, 3),
        P.num(x.lo, 3),
        P.num(x.hi, 3),
    ]


def _bar(labels: list[str], values: list[int], title: str) -> dict[str, Any]:
    return {
        "data": [{"type": "bar", "x": labels, "y": values, "name": title}],
        "layout": base_layout(yaxis={"title": _("open nonconformities")}),
    }


def analytics_panels(r: CapaAnalytics) -> list[P.Panel]:
    list_url = reverse("capa:list")
    panels = [
        P.Panel(
            "age",
            _("Open nonconformities by age (days since raised)"),
            [_("Age (days)"), _("Open")],
            [[P.text(label), P.count(n)] for label, n in r.by_age],
            figure=_bar([a for a, _n in r.by_age], [n for _a, n in r.by_age], _("Open")),
        ),
        P.Panel(
            "severity",
            _("Open nonconformities by severity"),
            [_("Severity"), _("Open")],
            [
                [P.text(lbl), P.count(n, f"{list_url}?view=open&severity={v}")]
                for v, lbl, n in r.by_severity
            ],
        ),
        P.Panel(
            "origin",
            _("Open nonconformities by origin"),
            [_("Origin"), _("Open")],
            [
                [P.text(lbl), P.count(n, f"{list_url}?view=open&origin={v}")]
                for v, lbl, n in r.by_origin
            ],
        ),
        P.Panel(
            "site",
            _("Open nonconformities by site"),
            [_("Site"), _("Open")],
            [[P.text(code), P.count(n)] for code, n in r.by_site],
            figure=_bar([c for c, _n in r.by_site], [n for _c, n in r.by_site], _("Open"))
            if r.by_site
            else None,
        ),
        P.Panel(
            "overdue",
            _("Overdue actions: %(n)d") % {"n": r.overdue_actions},
            [
                _("Nonconformity"),
                _("Site"),
                _("Action"),
                _("Owner"),
                _("Due"),
                _("Escalation level"),
            ],
            [
                [
                    P.text(a.nonconformity.reference, a.get_absolute_url()),
                    P.text(a.nonconformity.site.code if a.nonconformity.site else ""),
                    P.text(a.description[:80]),
                    P.text(a.owner.get_username() if a.owner else "—"),
                    P.text(a.due_date.isoformat()),
                    P.count(a.escalation_level),
                ]
                for a in r.overdue_list
            ],
        ),
        P.Panel(
            "rates",
            _("Closure on time and effectiveness"),
            [_("Measure"), _("Yes"), _("Of"), _("Share"), _("95 % CI low"), _("95 % CI high")],
            [
                _rate_row(_("Nonconformities closed by their due date"), r.on_time_closure),
                _rate_row(_("Actions done by their due date"), r.on_time_actions),
                _rate_row(_("Verifications confirmed effective"), r.effectiveness),
                _rate_row(
                    _("Closed nonconformities effective in the first cycle"), r.first_time_effective
                ),
                _rate_row(
                    _("Recurrences among NCs with a coded root cause (within %(n)d months)")
                    % {"n": r.filters.months},
                    r.recurrence_rate,
                ),
            ],
            open=True,
        ),
        P.Panel(
            "recurrence",
            _("Recurrences: the same root cause at the same site within %(n)d months")
            % {"n": r.filters.months},
            [_("Nonconformity"), _("Site"), _("Cause"), _("Earlier nonconformity"), _("Raised")],
            [
                [
                    P.text(x.reference, reverse("capa:detail", args=[x.nc_id])),
                    P.text(x.site),
                    P.text(x.cause),
                    P.text(x.previous),
                    P.text(timezone.localtime(x.raised_at).date().isoformat()),
                ]
                for x in r.recurrences
            ],
        ),
    ]
    labels = dict(Origin.choices)
    panels.append(
        P.Panel(
            "sources",
            _("Sources of nonconformities by month"),
            [_("Month"), *[str(labels[o]) for o in r.sources]],
            [
                [P.text(m), *[P.count(r.sources[o][i]) for o in r.sources]]
                for i, m in enumerate(r.months)
            ],
            figure={
                "data": [
                    {"type": "bar", "name": str(labels[o]), "x": r.months, "y": counts}
                    for o, counts in r.sources.items()
                ],
                "layout": base_layout(
                    barmode="stack", xaxis={"type": "category"}, yaxis={"title": _("raised")}
                ),
            }
            if r.sources
            else None,
        )
    )
    return panels


@report_view("capa:analytics")
def analytics_page(request: HttpRequest) -> HttpResponseBase:
    f = CapaFilters.from_query(request.GET)
    r = capa_analytics(request.user, f)
    context = {
        "title": _("CAPA analytics"),
        "filters": f,
        "params": f.params(),
        "sites": [(s.pk, s.code) for s in restricted(Site, request.user, "view")],
        "severities": NcSeverity.choices,
        "origins": Origin.choices,
        "report": r,
        "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
    }
    return P.render_panels(request, "capa/analytics.html", context, analytics_panels(r))


urlpatterns: list[URLPattern] = [path("analytics/", analytics_page, name="analytics")]
