"""The operational counts on top of the executive dashboard: open and overdue complaints, open
and major nonconformities, overdue CAPA actions, inspections due within a week and overdue.

Each figure is what the app's own list shows for the same question, filtered to the dashboard's
unit (a site, the sites of a region, or the organisation) inside the reader's scope: the same
querysets and rules (``restrict``, the complaint list's ``OVERDUE``, CAPA's ``OPEN_STAGES`` and
``actions_with_overdue``, the programmes' ``upcoming_queryset``), so following a card's link
lands on a list of that many rows. Four queries in all, one aggregate per app, whatever the
number of sites."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_stubs_ext import StrOrPromise

from sqms.capa.choices import OPEN_STAGES, NcSeverity
from sqms.capa.filters import actions_with_overdue
from sqms.capa.models import Action, Nonconformity
from sqms.complaints.models import OVERDUE, Complaint
from sqms.inspections.views.programmes import upcoming_queryset
from sqms.kpis.actions.common import Unit

#: "due soon" for inspections: due today or in the next this many days
DUE_DAYS = 7


def unit_q(unit: Unit, site_path: str) -> Q:
    """Rows of ``unit``: ``site_path`` is the lookup from the model to its site."""
    if unit.site_id:
        return Q(**{f"{site_path}_id": unit.site_id})
    if unit.region_id:
        return Q(**{f"{site_path}__region_id": unit.region_id})
    return Q()


def unit_params(unit: Unit) -> dict[str, int]:
    """The lists' GET filters for ``unit`` (every linked list has ``site`` and ``region``)."""
    if unit.site_id:
        return {"site": unit.site_id}
    if unit.region_id:
        return {"region": unit.region_id}
    return {}


def _link(name: str, unit: Unit, **params: Any) -> str:
    return f"{reverse(name)}?{urlencode({**params, **unit_params(unit)})}"


@dataclass(frozen=True)
class CountCard:
    key: str  # stable name (the API's field)
    label: StrOrPromise
    value: int
    url: str
    alarm: bool  # a figure that should be zero (overdue, major): shown in red when it is not


@dataclass(frozen=True)
class OperationalCounts:
    open_complaints: int
    overdue_complaints: int
    open_nonconformities: int
    major_nonconformities: int
    overdue_actions: int
    inspections_due: int
    inspections_overdue: int
    cards: list[CountCard]

    @property
    def all_zero(self) -> bool:
        return not any(c.value for c in self.cards)


def counts(user: Any, unit: Unit, today: dt.date | None = None) -> OperationalCounts:
    """The counts of ``unit`` that ``user`` may see (four queries)."""
    today = today or timezone.localdate()
    complaints = (
        Complaint.objects.restrict(user, "view")
        .filter(unit_q(unit, "site"), is_open=True)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=OVERDUE))
    )
    ncs = (
        Nonconformity.objects.restrict(user, "view")
        .filter(unit_q(unit, "site"), stage__in=OPEN_STAGES)
        .aggregate(open=Count("pk"), major=Count("pk", filter=Q(severity=NcSeverity.MAJOR)))
    )
    overdue_actions = (
        actions_with_overdue(Action.objects.restrict(user, "view"), today)
        .filter(unit_q(unit, "nonconformity__site"), is_overdue=True)
        .count()
    )
    soon = today + dt.timedelta(days=DUE_DAYS)
    inspections = (
        upcoming_queryset(user)
        .filter(unit_q(unit, "site"))
        .aggregate(
            due=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
        )
    )
    complaints_url = "complaints:list"
    cards = [
        CountCard(
            "open_complaints",
            gettext_lazy("Open complaints"),
            complaints["open"],
            _link(complaints_url, unit, view="open"),
            False,
        ),
        CountCard(
            "overdue_complaints",
            gettext_lazy("Complaints overdue on their SLA"),
            complaints["overdue"],
            _link(complaints_url, unit, view="overdue"),
            True,
        ),
        CountCard(
            "open_nonconformities",
            gettext_lazy("Open nonconformities"),
            ncs["open"],
            _link("capa:list", unit, view="open"),
            False,
        ),
        CountCard(
            "major_nonconformities",
            gettext_lazy("of them major"),
            ncs["major"],
            _link("capa:list", unit, view="open", severity=NcSeverity.MAJOR.value),
            True,
        ),
        CountCard(
            "overdue_actions",
            gettext_lazy("Overdue CAPA actions"),
            overdue_actions,
            _link("capa:actions", unit, view="overdue"),
            True,
        ),
        CountCard(
            "inspections_due",
            gettext("Inspections due within %(n)d days") % {"n": DUE_DAYS},
            inspections["due"],
            _link("inspections:upcoming", unit, overdue="0", due_within=DUE_DAYS),
            False,
        ),
        CountCard(
            "inspections_overdue",
            gettext_lazy("Overdue inspections"),
            inspections["overdue"],
            _link("inspections:upcoming", unit, overdue="1"),
            True,
        ),
    ]
    return OperationalCounts(
        open_complaints=complaints["open"],
        overdue_complaints=complaints["overdue"],
        open_nonconformities=ncs["open"],
        major_nonconformities=ncs["major"],
        overdue_actions=overdue_actions,
        inspections_due=inspections["due"],
        inspections_overdue=inspections["overdue"],
        cards=cards,
    )
