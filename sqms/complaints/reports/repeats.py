"""The repeat-complaints page: customers (by ``customer_key``, a hash of the contact — the
contact itself is never shown) with two or more complaints in the selection, and the repeat
rate among customers who left a contact.

Queries: one ``GROUP BY customer_key … HAVING COUNT ≥ 2`` (the shown rows, capped), one count
of customers and repeat customers, one for the site codes of the shown customers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.reports.frame import frame, report_view
from sqms.complaints.reports.overview import share_cells
from sqms.complaints.reports.selection import ComplaintFilters, complaints
from sqms.core.panels import Panel, count, render_panels, text
from sqms.core.stats import Share, share

#: repeat customers listed on the page (the count and the rate cover all of them)
ROW_CAP = 200


@dataclass(frozen=True)
class RepeatCustomer:
    key: str
    complaints: int
    sites: list[str]
    first: dt.datetime
    last: dt.datetime

    @property
    def label(self) -> str:
        """A pseudonym: the start of the key (never the contact)."""
        return self.key[:8]


@dataclass(frozen=True)
class Repeats:
    filters: ComplaintFilters
    customers: int  # distinct customers with a contact
    repeat_customers: int
    complaints_with_contact: int
    complaints_of_repeaters: int
    rows: list[RepeatCustomer]
    cap: int

    @property
    def rate(self) -> Share:
        """Share of customers (with a contact) who complained at least twice."""
        return share(self.customers, self.repeat_customers)


def repeats_report(user: Any, f: ComplaintFilters) -> Repeats:
    qs = complaints(user, f).exclude(customer_key="")
    grouped = qs.values("customer_key").annotate(cnt=Count("pk")).order_by()
    repeaters = grouped.filter(cnt__gte=2)
    totals = qs.aggregate(customers_=Count("customer_key", distinct=True), complaints_=Count("pk"))
    shown = list(
        repeaters.annotate(
            sites_=Count("site", distinct=True), first_=Min("received_at"), last_=Max("received_at")
        ).order_by("-cnt", "-last_", "customer_key")[:ROW_CAP]
    )
    repeat_stats = repeaters.aggregate(customers=Count("customer_key"), complaints=Sum("cnt"))
    keys = [row["customer_key"] for row in shown]
    sites: dict[str, list[str]] = {}
    for key, code in (
        qs.filter(customer_key__in=keys)
        .values_list("customer_key", "site__code")
        .distinct()
        .order_by("customer_key", "site__code")
    ):
        sites.setdefault(key, []).append(code)
    rows = [
        RepeatCustomer(
            row["customer_key"],
            row["cnt"],
            sites.get(row["customer_key"], []),
            row["first_"],
            row["last_"],
        )
        for row in shown
    ]
    return Repeats(
        f,
        totals["customers_"],
        repeat_stats["customers"] or 0,
        totals["complaints_"],
        repeat_stats["complaints"] or 0,
        rows,
        ROW_CAP,
    )


def repeats_panels(r: Repeats) -> list[Panel]:
    summary = Panel(
        "repeat_rate",
        _("Repeat rate"),
        [
            _("Customers with a contact"),
            _("Repeat customers (≥ 2 complaints)"),
            _("Repeat rate %"),
            _("95 % CI low"),
            _("95 % CI high"),
            _("Complaints with a contact"),
            _("Complaints of repeat customers"),
        ],
        note=_(
            "Customers are recognised by their contact (phone or email, compared without "
            "spaces and case); complaints without a contact are not counted."
        ),
        open=True,
    )
    summary.rows.append(
        [
            count(r.customers),
            count(r.repeat_customers),
            *share_cells(r.rate),
            count(r.complaints_with_contact),
            count(r.complaints_of_repeaters),
        ]
    )
    table = Panel(
        "repeat_customers",
        _("Repeat customers"),
        [_("Customer"), _("Complaints"), _("Sites"), _("First complaint"), _("Last complaint")],
        note=_(
            "The %(cap)d customers with the most complaints are listed; the customer is a "
            "pseudonym, never the contact."
        )
        % {"cap": r.cap},
        open=True,
    )
    for c in r.rows:
        table.rows.append(
            [
                text(c.label),
                count(c.complaints),
                text(", ".join(c.sites)),
                text(timezone.localtime(c.first).strftime("%Y-%m-%d")),
                text(timezone.localtime(c.last).strftime("%Y-%m-%d")),
            ]
        )
    return [summary, table]


@report_view("repeats")
def report_repeats(request: HttpRequest) -> HttpResponseBase:
    f = ComplaintFilters.from_params(request.GET)
    r = repeats_report(request.user, f)
    panels = repeats_panels(r) if r.complaints_with_contact else []
    context = frame(request, f, "complaints:report_repeats", _("Repeat complaints"), report=r)
    return render_panels(request, "complaints/reports_report.html", context, panels)
