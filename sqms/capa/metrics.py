"""Effectiveness verification with data: the metric that raised the nonconformity, measured
before it was raised and after its actions were done, compared with the significance test of
``sqms.analytics.compare``, and the verdict that follows.

Periods: *before* is ``[raised − window, raised)`` (``window_days``, default 90); *after* runs
from the last action of the cycle done until ``now``.

Metrics (``MetricKind``):

- ``item_pass_rate`` — the checklist item's pass rate in submitted inspections of the site (the
  same item in every version of the checklist: same code, or same text when it has none; "not
  applicable" answers left out); two-proportion z-test, effective when the pass rate rises
  significantly.
- ``complaint_rate`` — the site's complaints of a category (and its subcategories) by received
  time; per 1,000 transactions when ``complaints.TransactionVolume`` covers every month of both
  periods, else per 30 days; exact conditional Poisson rate test, effective when the rate falls
  significantly.
- ``survey_gap`` — a SERVQUAL dimension's gap (perception − expectation) from the survey
  rollups of the site, by whole months (before: the months before the NC's month; after: the
  months after the last action's month); Welch's t-test from the rollup sums, effective when
  the gap rises (less shortfall) significantly.
- ``manual`` — figures entered by hand (a KPI): no test, the proposer's verdict.

Fewer than ``min_n()`` observations after (or a test that cannot be computed) is
"not enough data".
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics import compare
from sqms.analytics.metrics import proportion_ci, rate_ci
from sqms.analytics.summary import mean_ci_from_sums
from sqms.capa.choices import ActionStatus, MetricKind, Origin, Verdict
from sqms.capa.models import Nonconformity
from sqms.core.stats import min_n

DEFAULT_WINDOW_DAYS = 90
ALPHA = 0.05


@dataclass
class Measured:
    metric: str
    params: dict[str, Any]
    before_start: dt.datetime | None
    before_end: dt.datetime | None
    after_start: dt.datetime | None
    after_end: dt.datetime | None
    before_value: float | None = None
    after_value: float | None = None
    before_n: int | None = None
    after_n: int | None = None
    unit: str = ""
    test: str = ""
    p_value: float | None = None
    estimate: float | None = None
    estimate_name: str = ""
    proposed: str = Verdict.INCONCLUSIVE
    details: dict[str, Any] = field(default_factory=dict)


def _id_param(params: dict[str, Any], key: str) -> int | None:
    """A record id from the parameters (None when absent); a ValidationError naming the key
    for anything but a whole number in the id range."""
    value = params.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({key: _("Give the id as a whole number.")}) from None
    if isinstance(value, float) and not value.is_integer() or not 1 <= number <= 2**31 - 1:
        raise ValidationError({key: _("Give the id as a whole number.")})
    return number


def periods(
    nc: Nonconformity, now: dt.datetime, window_days: int
) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    if window_days < 1 or window_days > 3660:
        raise ValidationError({"window_days": _("Choose a window between 1 and 3660 days.")})
    done = (
        nc.actions.filter(cycle=nc.cycle, status=ActionStatus.DONE)
        .order_by("-done_at")
        .values_list("done_at", flat=True)
        .first()
    )
    after_start = done or now
    return nc.raised_at - dt.timedelta(days=window_days), nc.raised_at, after_start, now


def default_metric(nc: Nonconformity) -> tuple[str, dict[str, Any]]:
    """The metric that raised the NC and its parameters, as the verification form suggests."""
    if nc.origin == Origin.INSPECTION_ITEM and nc.inspection_answer_id:
        answer = nc.inspection_answer
        return MetricKind.ITEM_PASS_RATE, {"item": answer.item_id if answer else None}
    if nc.origin in (Origin.COMPLAINT, Origin.COMPLAINT_CLUSTER) and nc.complaint_referral_id:
        from sqms.complaints.models import Complaint

        cats = list(
            Complaint.objects.filter(capa_referrals=nc.complaint_referral_id)
            .exclude(category=None)
            .values_list("category_id", flat=True)
        )
        category = max(set(cats), key=cats.count) if cats else None
        return MetricKind.COMPLAINT_RATE, {"category": category}
    if nc.origin == Origin.SURVEY_GAP:
        return MetricKind.SURVEY_GAP, {"dimension": nc.source_ref}
    return MetricKind.MANUAL, {}


def measure(
    nc: Nonconformity, metric: str, params: dict[str, Any], *, now: dt.datetime
) -> Measured:
    """Measure ``metric`` for ``nc`` and propose a verdict."""
    params = dict(params or {})
    try:
        raw = params.get("window_days")
        window = DEFAULT_WINDOW_DAYS if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"window_days": _("Give the window in whole days.")}) from None
    params["window_days"] = window
    b0, b1, a0, a1 = periods(nc, now, window)
    m = Measured(metric, params, b0, b1, a0, a1)
    if metric == MetricKind.ITEM_PASS_RATE:
        _item_pass_rate(nc, m)
    elif metric == MetricKind.COMPLAINT_RATE:
        _complaint_rate(nc, m)
    elif metric == MetricKind.SURVEY_GAP:
        _survey_gap(nc, m)
    elif metric == MetricKind.MANUAL:
        _manual(m)
    else:
        raise ValidationError({"metric": _("Unknown metric “%(m)s”.") % {"m": metric}})
    return m


#: the longest monthly series stored with a verification
SERIES_MONTHS = 60


def _month_key(at: dt.datetime | dt.date) -> str:
    if isinstance(at, dt.datetime):
        at = timezone.localtime(at).date()
    return at.strftime("%Y-%m")


def _series(buckets: dict[str, tuple[float | None, int]]) -> list[list[Any]]:
    """[[month, value, n], …] in month order (the last ``SERIES_MONTHS`` months)."""
    return [[k, v, n] for k, (v, n) in sorted(buckets.items())][-SERIES_MONTHS:]


def _verdict(result: compare.ComparisonResult, *, better: str, enough: bool) -> str:
    """Effective when the change is significant in the better direction ("increase" or
    "decrease"); not effective when it is not; not enough data under the minimum n."""
    if not enough:
        return Verdict.INCONCLUSIVE
    if result.significant and result.verdict == f"significant {better}":
        return Verdict.EFFECTIVE
    return Verdict.NOT_EFFECTIVE


# (a) the checklist item's pass rate -----------------------------------------------------------


def _item_pass_rate(nc: Nonconformity, m: Measured) -> None:
    from sqms.inspections.choices import InspectionStatus
    from sqms.inspections.models import Answer, Item

    item_id = _id_param(m.params, "item")
    item = Item.objects.select_related("version").filter(pk=item_id).first() if item_id else None
    if item is None:
        raise ValidationError({"item": _("Choose the checklist item to measure.")})
    m.params["item"] = item.pk
    same = Q(item__version__template_id=item.version.template_id) & (
        Q(item__code=item.code) if item.code else Q(item__text=item.text)
    )
    answers = Answer.objects.filter(
        same, inspection__status=InspectionStatus.SUBMITTED, max_points__gt=0
    )
    if nc.site_id is not None:
        answers = answers.filter(inspection__site_id=nc.site_id)

    def counts(start: dt.datetime, end: dt.datetime, *, inclusive: bool) -> tuple[int, int]:
        upper = "inspection__submitted_at__lte" if inclusive else "inspection__submitted_at__lt"
        qs = answers.filter(**{"inspection__submitted_at__gte": start, upper: end})
        if nc.inspection_answer_id:
            qs = qs.exclude(pk=nc.inspection_answer_id)
        n = qs.count()
        return n - qs.filter(failed=True).count(), n

    assert m.before_start and m.before_end and m.after_start and m.after_end
    pass1, n1 = counts(m.before_start, m.before_end, inclusive=False)
    if nc.inspection_answer_id:  # the failure that raised it belongs to "before"
        pass1, n1 = pass1, n1 + 1
    pass2, n2 = counts(m.after_start, m.after_end, inclusive=True)
    m.unit = _("pass rate")
    m.before_n, m.after_n = n1, n2
    m.details = {"before_pass": pass1, "after_pass": pass2, "item_label": str(item)}
    monthly: dict[str, list[int]] = {}
    for at, failed in answers.filter(
        inspection__submitted_at__gte=m.before_start, inspection__submitted_at__lte=m.after_end
    ).values_list("inspection__submitted_at", "failed"):
        if at is None:
            continue
        cell = monthly.setdefault(_month_key(at), [0, 0])
        cell[0] += 0 if failed else 1
        cell[1] += 1
    m.details["series"] = _series({k: (p / n, n) for k, (p, n) in monthly.items()})
    for key, (x, n) in (("before", (pass1, n1)), ("after", (pass2, n2))):
        if n:
            ci = proportion_ci(x, n)
            setattr(m, f"{key}_value", x / n)
            m.details[f"{key}_lo"], m.details[f"{key}_hi"] = ci.lo, ci.hi
    if n1 == 0 or n2 == 0:
        m.proposed = Verdict.INCONCLUSIVE
        return
    try:
        r = compare.two_proportions(pass1, n1, pass2, n2, alpha=ALPHA)
    except ValueError:  # every answer passed (or failed) in both periods: nothing to test
        m.proposed = Verdict.NOT_EFFECTIVE if pass2 == 0 else Verdict.INCONCLUSIVE
        m.test = "two-proportion z-test"
        return
    _store(m, r)
    m.proposed = _verdict(r, better="increase", enough=n2 >= min_n())


# (b) the site's complaint rate for a category --------------------------------------------------


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _exposure(volumes: dict[dt.date, int], start: dt.datetime, end: dt.datetime) -> float | None:
    """Transactions in ``[start, end)``: each month's volume times the share of its days in
    the period; None when a month has no volume."""
    total = 0.0
    for month in _month_starts(start.date(), end.date()):
        if month not in volumes:
            return None
        days = calendar.monthrange(month.year, month.month)[1]
        m0 = dt.datetime.combine(month, dt.time(), tzinfo=start.tzinfo)
        m1 = m0 + dt.timedelta(days=days)
        overlap = (min(end, m1) - max(start, m0)).total_seconds()
        if overlap > 0:
            total += volumes[month] * overlap / (days * 86400)
    return total


def _complaint_rate(nc: Nonconformity, m: Measured) -> None:
    from sqms.complaints.models import Category, Complaint, TransactionVolume

    category_id = _id_param(m.params, "category")
    complaints = Complaint.objects.all()
    if category_id is not None:
        root = Category.objects.filter(pk=category_id).first()
        if root is None:
            raise ValidationError(
                {"category": _("Unknown complaint category %(id)s.") % {"id": category_id}}
            )
        ids, frontier = {root.pk}, [root.pk]
        while frontier:
            frontier = list(
                Category.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.update(frontier)
        complaints = complaints.filter(category_id__in=ids)
        m.params["category"] = root.pk
        m.details["category_label"] = root.label
    volumes_qs = TransactionVolume.objects.all()
    if nc.site_id is not None:
        complaints = complaints.filter(site_id=nc.site_id)
        volumes_qs = volumes_qs.filter(site_id=nc.site_id)
    assert m.before_start and m.before_end and m.after_start and m.after_end
    c1 = complaints.filter(received_at__gte=m.before_start, received_at__lt=m.before_end).count()
    c2 = complaints.filter(received_at__gte=m.after_start, received_at__lte=m.after_end).count()
    volumes: dict[dt.date, int] = {}
    for row in volumes_qs.values("period").annotate(t=Sum("transactions")):
        volumes[row["period"]] = int(row["t"])
    e1 = _exposure(volumes, m.before_start, m.before_end)
    e2 = _exposure(volumes, m.after_start, m.after_end)
    if e1 and e2:
        scale, m.unit = 1000.0, _("complaints per 1,000 transactions")
    else:
        e1 = (m.before_end - m.before_start).total_seconds() / 86400
        e2 = (m.after_end - m.after_start).total_seconds() / 86400
        scale, m.unit = 30.0, _("complaints per 30 days")
    m.before_n, m.after_n = c1, c2
    m.details.update({"before_exposure": e1, "after_exposure": e2, "scale": scale})
    per_month: dict[str, int] = {}
    for at in complaints.filter(
        received_at__gte=m.before_start, received_at__lte=m.after_end
    ).values_list("received_at", flat=True):
        per_month[_month_key(at)] = per_month.get(_month_key(at), 0) + 1
    m.details["series"] = _series({k: (float(c), c) for k, c in per_month.items()})
    m.details["series_unit"] = _("complaints per month")
    m.before_value = c1 / e1 * scale if e1 > 0 else None
    m.after_value = c2 / e2 * scale if e2 > 0 else None
    if e1 <= 0 or e2 <= 0 or c1 + c2 == 0:
        m.proposed = Verdict.INCONCLUSIVE
        return
    r = compare.rate_ratio(c1, e1, c2, e2, alpha=ALPHA)
    _store(m, r)
    m.details["before_lo"], m.details["before_hi"] = _rate_ci(c1, e1, scale)
    m.details["after_lo"], m.details["after_hi"] = _rate_ci(c2, e2, scale)
    # enough data: the after period is at least a sixth of the before window
    enough = e2 >= e1 / 6
    m.proposed = _verdict(r, better="decrease", enough=enough)


def _rate_ci(c: int, e: float, scale: float) -> tuple[float, float]:
    """The exact (Garwood) 95 % interval of the rate, per ``scale`` units of exposure."""
    ci = rate_ci(c, e / scale)
    return ci.lo, ci.hi


# (c) a survey dimension's gap ------------------------------------------------------------------


def _first_of_month(d: dt.datetime) -> dt.date:
    return d.date().replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _survey_gap(nc: Nonconformity, m: Measured) -> None:
    from sqms.surveys.models import Rollup

    dim = str(m.params.get("dimension") or "").strip()[:40]
    if not dim:
        raise ValidationError({"dimension": _("Choose the SERVQUAL dimension to measure.")})
    assert m.before_start and m.before_end and m.after_start and m.after_end
    rollups = Rollup.objects.filter(measure=f"DIM.{dim}.GAP")
    if nc.site_id is not None:
        rollups = rollups.filter(site_id=nc.site_id)

    def sums(first: dt.date, until: dt.date) -> tuple[int, float, float]:
        row = rollups.filter(period__gte=first, period__lte=until).aggregate(
            n=Sum("n"), s=Sum("total"), ss=Sum("total_sq")
        )
        return int(row["n"] or 0), float(row["s"] or 0.0), float(row["ss"] or 0.0)

    before_last = _first_of_month(m.before_end) - dt.timedelta(days=1)
    n1, s1, ss1 = sums(_first_of_month(m.before_start), before_last)
    n2, s2, ss2 = sums(_next_month(_first_of_month(m.after_start)), m.after_end.date())
    m.unit = _("gap (perception − expectation)")
    m.before_n, m.after_n = n1, n2
    m.details["dimension"] = dim
    by_period = (
        rollups.filter(period__gte=_first_of_month(m.before_start), period__lte=m.after_end.date())
        .values("period")
        .annotate(n=Sum("n"), s=Sum("total"))
    )
    m.details["series"] = _series(
        {
            _month_key(r["period"]): (float(r["s"]) / r["n"], int(r["n"]))
            for r in by_period
            if r["n"]
        }
    )
    stats_: list[Any] = []
    for key, (n, s, ss) in (("before", (n1, s1, ss1)), ("after", (n2, s2, ss2))):
        if n >= 2:
            ci = mean_ci_from_sums(n, s, ss)
            setattr(m, f"{key}_value", ci.mean)
            m.details[f"{key}_lo"], m.details[f"{key}_hi"] = ci.lo, ci.hi
            stats_.append((ci.mean, ci.sd, n))
        elif n == 1:
            setattr(m, f"{key}_value", s)
    if len(stats_) < 2:
        m.proposed = Verdict.INCONCLUSIVE
        return
    (mean1, sd1, k1), (mean2, sd2, k2) = stats_
    try:
        r = compare.welch_t_from_stats(mean1, sd1, k1, mean2, sd2, k2, alpha=ALPHA)
    except ValueError:
        m.proposed = Verdict.INCONCLUSIVE
        return
    _store(m, r)
    m.proposed = _verdict(r, better="increase", enough=n2 >= min_n())


# manual figures (a KPI) ------------------------------------------------------------------------


def _number(params: dict[str, Any], key: str) -> float:
    try:
        value = float(params[key])
    except (KeyError, TypeError, ValueError):
        raise ValidationError({key: _("Give a number.")}) from None
    if not math.isfinite(value):
        raise ValidationError({key: _("Give a number.")})
    return value


def _manual(m: Measured) -> None:
    m.before_value = _number(m.params, "before")
    m.after_value = _number(m.params, "after")
    m.unit = str(m.params.get("unit") or "")[:60]
    higher = bool(m.params.get("higher_is_better", True))
    improved = m.after_value > m.before_value if higher else m.after_value < m.before_value
    m.proposed = Verdict.EFFECTIVE if improved else Verdict.NOT_EFFECTIVE


def _store(m: Measured, r: compare.ComparisonResult) -> None:
    m.test = r.test
    m.p_value = r.pvalue
    m.estimate = r.estimate if math.isfinite(r.estimate) else None
    m.estimate_name = r.estimate_name
