"""Complaint sources: complaints received (by ``received_at``), the rate per N transactions
(``TransactionVolume``, monthly), SLA compliance (the share of complaints resolved in the
period without ``resolution_breached_at``) and the median resolution time in hours
(``resolved_at − received_at`` of the complaints resolved in the period)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from sqms.complaints.models import Complaint, TransactionVolume
from sqms.kpis.sources import Cells
from sqms.kpis.sources.common import as_date, bounds, trunc


def received(period: str, start: dt.date, end: dt.date) -> Cells:
    lo, hi = bounds(start, end)
    rows = (
        Complaint.objects.filter(received_at__gte=lo, received_at__lt=hi)
        .annotate(p=trunc("received_at", period))
        .values("site_id", "p")
        .annotate(k=Count("id"))
        .order_by()
    )
    return {(r["site_id"], as_date(r["p"])): {"hits": float(r["k"])} for r in rows}


def rate(period: str, start: dt.date, end: dt.date) -> Cells:
    """Complaints and transactions per site and month; a month without a recorded volume has
    no rate (its complaints are left out of the pooled rate too)."""
    counts = received(period, start, end)
    out: Cells = {}
    volumes = TransactionVolume.objects.filter(period__gte=start, period__lt=end)
    for site_id, month, transactions in volumes.values_list("site_id", "period", "transactions"):
        if transactions:
            hits = counts.get((site_id, month), {}).get("hits", 0.0)
            out[(site_id, month)] = {"hits": hits, "exposure": float(transactions)}
    return out


def sla_compliance(period: str, start: dt.date, end: dt.date) -> Cells:
    lo, hi = bounds(start, end)
    rows = (
        Complaint.objects.filter(resolved_at__gte=lo, resolved_at__lt=hi)
        .annotate(p=trunc("resolved_at", period))
        .values("site_id", "p")
        .annotate(n=Count("id"), hits=Count("id", filter=Q(resolution_breached_at__isnull=True)))
        .order_by()
    )
    return {
        (r["site_id"], as_date(r["p"])): {"n": float(r["n"]), "hits": float(r["hits"])}
        for r in rows
    }


def resolution_hours(period: str, start: dt.date, end: dt.date) -> Cells:
    lo, hi = bounds(start, end)
    rows = (
        Complaint.objects.filter(resolved_at__gte=lo, resolved_at__lt=hi)
        .annotate(p=trunc("resolved_at", period))
        .values_list("site_id", "p", "received_at", "resolved_at")
        .order_by()
    )
    out: Cells = {}
    for site_id, p, received_at, resolved_at in rows:
        if resolved_at is None:
            continue
        hours = (resolved_at - received_at).total_seconds() / 3600.0
        out.setdefault((site_id, as_date(p)), {"values": []})["values"].append(hours)
    return out
