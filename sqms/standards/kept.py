"""How well a standard is kept, over a period and the reader's sites. Reads only, through
``restrict``; the maths is :mod:`sqms.analytics.metrics`.

- **Checklist items**: the linked items' answers in submitted inspections whose submission
  falls in the period — every checklist version's item with the linked code — answered and
  applicable only (``not applicable`` and unanswered items do not count); the pass rate is the
  share not failed, with its Wilson 95 % interval.
- **Complaint categories**: complaints received in the period in the category; the rate per
  1,000 transactions counts the complaints of the site-months that have a
  :class:`~sqms.complaints.models.TransactionVolume` and divides by those months' volumes
  (months the period covers in part count whole: choose whole months for an exact rate).
- **SLA policies**: complaints under the policy received in the period and resolved; the
  compliance is the share resolved without a resolution breach, with its Wilson interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sqms.analytics.metrics import ProportionCI, RateCI, proportion_ci, rate_ci
from sqms.complaints.models import Complaint, TransactionVolume
from sqms.inspections.choices import InspectionStatus, Result
from sqms.inspections.models import Answer
from sqms.standards.choices import LinkKind
from sqms.standards.models import Standard, StandardLink


def bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The local days ``date_from`` … ``date_to`` (inclusive) as an aware half-open range."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def wilson(successes: int, n: int) -> ProportionCI | None:
    return proportion_ci(successes, n, 0.95, "wilson") if n else None


@dataclass(frozen=True)
class ItemRow:
    link: StandardLink
    n: int
    passed: int
    ci: ProportionCI | None


@dataclass(frozen=True)
class CategoryRow:
    link: StandardLink
    complaints: int
    with_volume: int  # complaints at site-months with a transaction volume
    transactions: int
    rate: RateCI | None  # per 1,000 transactions


@dataclass(frozen=True)
class SlaRow:
    link: StandardLink
    resolved: int
    in_time: int
    ci: ProportionCI | None


@dataclass(frozen=True)
class KeptReport:
    date_from: date
    date_to: date
    items: list[ItemRow]
    items_total: ItemRow | None
    categories: list[CategoryRow]
    sla: list[SlaRow]


def _sites(qs: QuerySet[Any], path: str, site_ids: Iterable[int] | None) -> QuerySet[Any]:
    return qs if site_ids is None else qs.filter(**{f"{path}__in": list(site_ids)})


def item_answers(
    user: Any,
    links: Iterable[StandardLink],
    start: datetime,
    end: datetime,
    site_ids: Iterable[int] | None = None,
) -> QuerySet[Answer]:
    """The answered, applicable answers of the linked items in submitted inspections."""
    condition = Q(pk__in=[])
    for link in links:
        condition |= Q(item__version__template_id=link.template_id, item__code=link.item_code)
    qs = Answer.objects.restrict(user).filter(
        condition,
        inspection__status=InspectionStatus.SUBMITTED,
        inspection__submitted_at__gte=start,
        inspection__submitted_at__lt=end,
        answered_at__isnull=False,
    )
    return _sites(qs.exclude(result=Result.NA), "inspection__site", site_ids)


def pass_counts(qs: QuerySet[Answer]) -> tuple[int, int]:
    """(answers, passed) of an answer queryset."""
    row = qs.aggregate(n=Count("pk"), failed=Count("pk", filter=Q(failed=True)))
    return row["n"], row["n"] - row["failed"]


def category_complaints(
    user: Any,
    category_id: int,
    start: datetime,
    end: datetime,
    site_ids: Iterable[int] | None = None,
) -> QuerySet[Complaint]:
    qs = Complaint.objects.restrict(user).filter(
        category_id=category_id, received_at__gte=start, received_at__lt=end
    )
    return _sites(qs, "site", site_ids)


def _category_row(
    user: Any, link: StandardLink, start: datetime, end: datetime, site_ids: Any
) -> CategoryRow:
    assert link.category_id is not None
    qs = category_complaints(user, link.category_id, start, end, site_ids)
    zone = timezone.get_current_timezone()
    per_month = {
        (r["site_id"], r["month"].date() if isinstance(r["month"], datetime) else r["month"]): r[
            "n"
        ]
        for r in qs.annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("site_id", "month")
        .annotate(n=Count("pk"))
    }
    first = timezone.localtime(start).date().replace(day=1)
    last = timezone.localtime(end - timedelta(microseconds=1)).date().replace(day=1)
    volumes = _sites(
        TransactionVolume.objects.restrict(user).filter(period__gte=first, period__lte=last),
        "site",
        site_ids,
    )
    keys = set(volumes.values_list("site_id", "period"))
    transactions = volumes.aggregate(t=Sum("transactions"))["t"] or 0
    with_volume = sum(n for key, n in per_month.items() if key in keys)
    rate = rate_ci(with_volume, transactions / 1000) if transactions else None
    return CategoryRow(link, sum(per_month.values()), with_volume, transactions, rate)


def _sla_row(
    user: Any, link: StandardLink, start: datetime, end: datetime, site_ids: Any
) -> SlaRow:
    qs = _sites(
        Complaint.objects.restrict(user).filter(
            policy_id=link.sla_policy_id,
            received_at__gte=start,
            received_at__lt=end,
            resolved_at__isnull=False,
        ),
        "site",
        site_ids,
    )
    row = qs.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(resolution_breached_at__isnull=True)))
    return SlaRow(link, row["n"], row["ok"], wilson(row["ok"], row["n"]))


def kept_report(
    standard: Standard,
    user: Any,
    date_from: date,
    date_to: date,
    site_ids: Iterable[int] | None = None,
) -> KeptReport:
    """The three measures of ``standard`` over ``date_from`` … ``date_to`` at the sites in
    ``user``'s scope (narrowed to ``site_ids`` when given)."""
    start, end = bounds(date_from, date_to)
    sites = None if site_ids is None else list(site_ids)
    links = list(standard.links.select_related("template", "sla_policy", "category"))
    items = []
    for link in (lk for lk in links if lk.kind == LinkKind.CHECKLIST_ITEM):
        n, passed = pass_counts(item_answers(user, [link], start, end, sites))
        items.append(ItemRow(link, n, passed, wilson(passed, n)))
    item_links = [lk for lk in links if lk.kind == LinkKind.CHECKLIST_ITEM]
    total = None
    if len(item_links) > 1:
        n, passed = pass_counts(item_answers(user, item_links, start, end, sites))
        total = ItemRow(item_links[0], n, passed, wilson(passed, n))
    return KeptReport(
        date_from,
        date_to,
        items,
        total,
        [
            _category_row(user, lk, start, end, sites)
            for lk in links
            if lk.kind == LinkKind.CATEGORY
        ],
        [_sla_row(user, lk, start, end, sites) for lk in links if lk.kind == LinkKind.SLA_POLICY],
    )


def as_json(report: KeptReport) -> dict[str, Any]:
    """The report as plain data (the API's answer)."""

    def ci(c: ProportionCI | None) -> dict[str, float] | None:
        return None if c is None else {"rate": c.proportion, "lo": c.lo, "hi": c.hi}

    return {
        "date_from": report.date_from.isoformat(),
        "date_to": report.date_to.isoformat(),
        "checklist_items": [
            {
                "link": r.link.pk,
                "checklist": r.link.template.code if r.link.template else "",
                "item_code": r.link.item_code,
                "answers": r.n,
                "passed": r.passed,
                "pass_rate": ci(r.ci),
            }
            for r in report.items
        ],
        "checklist_items_total": None
        if report.items_total is None
        else {
            "answers": report.items_total.n,
            "passed": report.items_total.passed,
            "pass_rate": ci(report.items_total.ci),
        },
        "complaint_categories": [
            {
                "link": r.link.pk,
                "category": r.link.category.code if r.link.category else "",
                "complaints": r.complaints,
                "complaints_with_volume": r.with_volume,
                "transactions": r.transactions,
                "rate_per_1000": None
                if r.rate is None
                else {"rate": r.rate.rate, "lo": r.rate.lo, "hi": r.rate.hi},
            }
            for r in report.categories
        ],
        "sla_policies": [
            {
                "link": r.link.pk,
                "policy": r.link.sla_policy.code if r.link.sla_policy else "",
                "resolved": r.resolved,
                "in_time": r.in_time,
                "compliance": ci(r.ci),
            }
            for r in report.sla
        ],
    }
