"""Importing historical complaints from a CSV or XLSX file: all or nothing (one bad row and
nothing is written, every error is reported), rows whose external id is stored already are
skipped, and historical statuses are set directly with the file's timestamps."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.analytics.calendars import WorkCalendar
from sqms.calendars.lookup import calendar_for_site
from sqms.complaints.actions.common import add_entry
from sqms.complaints.actions.intake import summary_of
from sqms.complaints.choices import PAUSED_STATUSES, EntryKind, Source, Status
from sqms.complaints.clocks import compute, refresh_clocks
from sqms.complaints.importer import parse
from sqms.complaints.models import Category, Complaint, Pause, SlaPolicy, customer_key
from sqms.complaints.policies import choose_policy
from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.models import Service, Site
from sqms.core.scoping import ensure_allowed, restricted

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    skipped: list[str] = field(default_factory=list)  # external ids stored already
    errors: list[str] = field(default_factory=list)
    encoding: str = ""
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _aware(value: datetime | None, tz: str) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return value.replace(tzinfo=zoneinfo.ZoneInfo(tz))


@transaction.atomic(durable=True)
def do_import_complaints(
    data: bytes,
    *,
    dry_run: bool,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read ``data`` (importer.parse), check every row against the stored sites, services
    and categories, and — unless ``dry_run`` or any row is wrong — store the complaints."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", Complaint)
    parsed = parse(data)
    report = ImportReport(
        rows=len(parsed.rows), errors=list(parsed.errors), encoding=parsed.encoding, dry_run=dry_run
    )
    if not parsed.rows:
        return report
    v = [r.values for r in parsed.rows]
    sites = (
        {
            s.code.lower(): s
            for s in restricted(Site, acting_user, "view").filter(
                code__in={x["site_code"] for x in v if x.get("site_code")}
            )
        }
        if acting_user is not None
        else {
            s.code.lower(): s for s in Site.objects.filter(code__in={x.get("site_code") for x in v})
        }
    )
    services = {
        s.code.lower(): s
        for s in Service.objects.filter(code__in={x.get("service_code") for x in v})
    }
    categories = {
        c.code.lower(): c
        for c in Category.objects.filter(code__in={x.get("category_code") for x in v})
    }
    stored = set(
        Complaint.objects.filter(
            external_id__in={x["external_id"] for x in v if x.get("external_id")}
        ).values_list("external_id", flat=True)
    )
    seen: dict[str, int] = {}
    todo: list[tuple[int, dict[str, Any]]] = []
    for row in parsed.rows:
        x = row.values
        where = _("line %(line)d") % {"line": row.line}
        ext = x.get("external_id") or ""
        if ext:
            if ext in seen:
                report.errors.append(
                    _("%(where)s, column external id: “%(id)s” repeats line %(first)d")
                    % {"where": where, "id": ext, "first": seen[ext]}
                )
                continue
            seen[ext] = row.line
            if ext in stored:
                report.skipped.append(ext)
                continue
        site = sites.get((x.get("site_code") or "").lower())
        if x.get("site_code") and site is None:
            report.errors.append(
                _("%(where)s, column site code: unknown site “%(code)s”")
                % {"where": where, "code": x["site_code"]}
            )
        service = services.get((x.get("service_code") or "").lower())
        if x.get("service_code") and service is None:
            report.errors.append(
                _("%(where)s, column service code: unknown service “%(code)s”")
                % {"where": where, "code": x["service_code"]}
            )
        category = categories.get((x.get("category_code") or "").lower())
        if x.get("category_code") and category is None:
            report.errors.append(
                _("%(where)s, column category code: unknown category “%(code)s”")
                % {"where": where, "code": x["category_code"]}
            )
        if site is None:
            continue
        received = _aware(x.get("received_at"), site.time_zone)
        resolved = _aware(x.get("resolved_at"), site.time_zone)
        closed = _aware(x.get("closed_at"), site.time_zone)
        if received is not None and received > now + timedelta(minutes=5):
            report.errors.append(
                _("%(where)s, column received at: in the future") % {"where": where}
            )
        for label, moment in ((_("resolved at"), resolved), (_("closed at"), closed)):
            if received is not None and moment is not None and moment < received:
                report.errors.append(
                    _("%(where)s, column %(column)s: before the complaint was received")
                    % {"where": where, "column": label}
                )
        todo.append(
            (
                row.line,
                {
                    **x,
                    "site": site,
                    "service": service,
                    "category": category,
                    "received_at": received,
                    "resolved_at": resolved,
                    "closed_at": closed,
                },
            )
        )
    if report.errors or dry_run:
        report.created = 0 if report.errors else len(todo)
        return report
    # read once for the whole file, not once per row
    policies = list(SlaPolicy.objects.filter(is_active=True).select_related("category"))
    calendars: dict[int, WorkCalendar] = {}
    for n, (line, x) in enumerate(todo, start=1):
        site_id = x["site"].pk
        if site_id not in calendars:
            calendars[site_id] = calendar_for_site(x["site"])
        try:
            _store(
                x,
                policies=policies,
                calendar=calendars[site_id],
                acting_user=acting_user,
                channel=channel,
                now=now,
            )
        except ValidationError as exc:
            report.errors.extend(
                _("line %(line)d: %(message)s") % {"line": line, "message": m} for m in exc.messages
            )
        if progress is not None and (n % 100 == 0 or n == len(todo)):
            progress(n, len(todo))
    if report.errors:  # nothing is kept
        transaction.set_rollback(True)
        return report
    report.created = len(todo)
    return report


def _store(
    x: dict[str, Any],
    *,
    policies: list[SlaPolicy],
    calendar: WorkCalendar,
    acting_user: User | None,
    channel: str,
    now: datetime,
) -> Complaint:
    status = x["status"]
    description = x["description"].strip()
    complaint = Complaint(
        site=x["site"],
        service=x["service"],
        category=x["category"],
        source=Source.IMPORT,
        channel=x["channel"],
        severity=x["severity"],
        status=status,
        summary=(x.get("summary") or "").strip() or summary_of(description),
        description=description,
        customer_name=x.get("customer_name") or "",
        customer_contact=x.get("customer_contact") or "",
        external_id=x.get("external_id") or None,
        received_at=x["received_at"],
    )
    complaint.customer_key = customer_key(complaint.customer_contact)
    resolved, closed = x["resolved_at"], x["closed_at"]
    if status == Status.CLOSED:
        resolved = resolved or closed
    if status in (Status.RESOLVED, Status.CLOSED):
        complaint.resolved_at = resolved
        complaint.first_response_at = resolved
        complaint.last_update_at = resolved
    if status == Status.CLOSED:
        complaint.closed_at = closed
    if status != Status.NEW and complaint.first_response_at is None:
        complaint.first_response_at = complaint.received_at
    if status in PAUSED_STATUSES:
        complaint.paused_since = now
    complaint.full_clean(exclude=["tracking_code"], validate_constraints=False)
    complaint.policy = choose_policy(complaint, policies)
    paused = [(now, None)] if status in PAUSED_STATUSES else []
    refresh_clocks(complaint, compute(complaint, now, calendar=calendar, pauses=paused))
    complaint.save()
    if status in PAUSED_STATUSES:
        Pause.objects.create(complaint=complaint, status=status, started_at=now)
    audit.record(complaint, AuditAction.CREATE, actor=acting_user, channel=channel)
    add_entry(
        complaint,
        EntryKind.STATUS,
        now=complaint.closed_at or complaint.resolved_at or now,
        author=acting_user,
        body=_("Imported from a file of historical complaints."),
        to_status=status,
    )
    return complaint
