"""Creating and editing complaints (staff form, public form, API, import, demo all call
``do_create_complaint``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.actions.common import add_entry, lock, save
from sqms.complaints.choices import EntryKind
from sqms.complaints.clocks import compute, refresh_clocks
from sqms.complaints.keywords import apply_rules
from sqms.complaints.models import Complaint, KeywordRule, customer_key
from sqms.complaints.policies import choose_policy
from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope
from sqms.jobs.outbox import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: fields a create or an edit may set
EDITABLE = (
    "site",
    "service",
    "channel",
    "category",
    "severity",
    "summary",
    "description",
    "customer_name",
    "customer_contact",
    "root_cause",
)
CREATE_ONLY = ("external_id", "received_at", "assigned_to")


#: complaints older than this are typing errors (and would stretch every monthly report)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


class DuplicateExternalId(ValidationError):
    """A complaint with this external id exists already (the API answers with it)."""

    def __init__(self, existing: Complaint) -> None:
        super().__init__(
            {
                "external_id": _("A complaint with external id “%(id)s” exists already: %(ref)s.")
                % {"id": existing.external_id, "ref": existing.reference}
            },
            code="duplicate",
        )
        self.existing = existing


def summary_of(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[:80] + ("…" if len(first) > 80 else "")


def _check_service(complaint: Complaint) -> None:
    service = complaint.service
    if (
        service is not None
        and service.sites.exists()
        and not service.sites.filter(pk=complaint.site_id).exists()
    ):
        raise ValidationError(
            {
                "service": _("%(service)s is not offered at %(site)s.")
                % {"service": service, "site": complaint.site}
            }
        )


@transaction.atomic(durable=True)
def do_create_complaint(
    data: dict[str, Any],
    *,
    source: str,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Complaint:
    """Log a complaint: keyword rules may raise its severity, set its category and notify;
    the SLA policy is chosen and the clocks started at ``received_at`` (default now).
    A known ``external_id`` raises :class:`DuplicateExternalId` carrying the existing one."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", Complaint)
    unknown = set(data) - set(EDITABLE) - set(CREATE_ONLY)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    complaint = Complaint(source=source)
    for name, value in data.items():
        setattr(complaint, name, value)
    if not complaint.external_id:
        complaint.external_id = None
    elif existing := Complaint.objects.filter(external_id=complaint.external_id).first():
        raise DuplicateExternalId(existing)
    if complaint.site_id is None:
        raise ValidationError({"site": _("Choose the site the complaint is about.")})
    ensure_site_in_scope(acting_user, complaint.site_id)
    complaint.received_at = complaint.received_at or now
    if complaint.received_at > now + timedelta(minutes=5):
        raise ValidationError({"received_at": _("The complaint cannot be received in the future.")})
    if complaint.received_at < EARLIEST:
        raise ValidationError(
            {"received_at": _("The complaint cannot be received before %(year)s.") % {"year": 1990}}
        )
    complaint.description = (complaint.description or "").strip()
    complaint.summary = (complaint.summary or "").strip() or summary_of(complaint.description)
    complaint.customer_key = customer_key(complaint.customer_contact or "")
    rules = apply_rules(
        f"{complaint.summary}\n{complaint.description}",
        complaint.severity,
        KeywordRule.objects.filter(is_active=True).select_related("category"),
    )
    if rules.severity:
        complaint.severity = rules.severity
    if rules.category is not None and complaint.category_id is None:
        complaint.category = rules.category
    complaint.full_clean(exclude=["tracking_code"], validate_constraints=False)
    _check_service(complaint)
    complaint.policy = choose_policy(complaint)
    refresh_clocks(complaint, compute(complaint, now, pauses=[]))
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:
        existing = Complaint.objects.filter(external_id=complaint.external_id).first()
        if existing is not None:
            raise DuplicateExternalId(existing) from None
        raise
    audit.record(complaint, AuditAction.CREATE, actor=acting_user, channel=channel)
    if rules.rules:
        add_entry(
            complaint,
            EntryKind.NOTE,
            now=now,
            body=_("Keyword rules fired: %(rules)s (words: %(words)s).")
            % {
                "rules": ", ".join(r.name for r in rules.rules),
                "words": ", ".join(sorted(set(rules.words))),
            },
            data={"rules": [r.pk for r in rules.rules]},
        )
        if rules.emails:
            notify(
                f"complaint:{complaint.pk}:keywords",
                subject=_("Complaint %(ref)s at %(site)s matched %(rules)s")
                % {
                    "ref": complaint.reference,
                    "site": complaint.site,
                    "rules": ", ".join(r.name for r in rules.rules),
                },
                body=f"{complaint.summary}\n\n{complaint.description}",
                emails=sorted(set(rules.emails)),
                payload={"complaint": complaint.pk, "rules": [r.pk for r in rules.rules]},
            )
    return complaint


@transaction.atomic(durable=True)
def do_update_complaint(
    complaint: Complaint,
    data: dict[str, Any],
    *,
    expected_version: int | None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Complaint:
    """Edit a complaint's details; a change of severity, category, channel or site chooses
    the SLA policy again (the clocks keep their start)."""
    now = now or timezone.now()
    current = lock(complaint, expected_version)
    ensure_allowed(acting_user, "change", current)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if "site" in data:
        ensure_site_in_scope(acting_user, data["site"].pk if data["site"] else None)
    before = audit.snapshot(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.customer_key = customer_key(current.customer_contact or "")
    current.full_clean(exclude=["tracking_code"])
    _check_service(current)
    if any(
        before.get(f) != audit.snapshot(current).get(f)
        for f in ("severity", "category", "channel", "site")
    ):
        current.policy = choose_policy(current)
    return save(current, now=now, before=before, acting_user=acting_user, channel=channel)
