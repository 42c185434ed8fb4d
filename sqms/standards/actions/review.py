"""The periodic review of effective versions (ISO 9001 §7.5.2): a reminder to the quality
managers ``REMIND_DAYS`` before the review date and an overdue notice once it has passed,
each sent once (the version records when, and the outbox's event keys make a repeat add
nothing). The same run lets approved versions whose date has come supersede their
predecessors, and tells each new version's audience (the staff who must acknowledge it) that
it is in effect — once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed
from sqms.jobs.outbox import notify
from sqms.standards.actions.documents import activate_due, local_today
from sqms.standards.audience import audience_emails, effective_versions
from sqms.standards.choices import VersionStatus
from sqms.standards.models import StandardVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def remind_days() -> int:
    """How many days before the review date the reminder goes out
    (``SQMS_STANDARD_REVIEW_REMIND_DAYS``, default 30)."""
    return int(settings.SQMS_STANDARD_REVIEW_REMIND_DAYS)


@dataclass
class ReviewReport:
    superseded: int = 0
    sent: list[str] = field(default_factory=list)  # one line per notice

    @property
    def actions(self) -> int:
        return self.superseded + len(self.sent)


def quality_manager_emails() -> list[str]:
    users = User.objects.filter(is_active=True, profile__role=Role.QUALITY_MANAGER)
    return sorted({u.email for u in users if u.email})


@transaction.atomic(durable=True)
def do_review_standards(
    now: datetime | None = None, *, acting_user: User | None, channel: str
) -> ReviewReport:
    """Supersede what is due, then send the review reminders and overdue notices due at
    ``now``; returns what it did."""
    ensure_allowed(acting_user, "change", StandardVersion)
    now = now or timezone.now()
    today = local_today(now)
    report = ReviewReport(superseded=activate_due(now, acting_user=acting_user, channel=channel))
    _announce_effective(report, now, acting_user=acting_user, channel=channel)
    emails = quality_manager_emails()
    due = (
        StandardVersion.objects.select_for_update(of=("self",))
        .filter(status=VersionStatus.APPROVED, effective_from__lte=today, review_due__isnull=False)
        .filter(review_due__lte=today + timedelta(days=remind_days()))
        .select_related("standard")
        .order_by("review_due", "pk")
    )
    for version in due:
        assert version.review_due is not None
        params = {"version": version, "title": version.standard.title, "due": version.review_due}
        if version.review_due <= today:
            if version.review_overdue_at is not None:
                continue
            kind, stamp = "overdue", "review_overdue_at"
            subject = _("Review overdue: %(version)s %(title)s (due %(due)s)") % params
        else:
            if version.review_reminded_at is not None:
                continue
            kind, stamp = "reminder", "review_reminded_at"
            subject = _("Review due on %(due)s: %(version)s %(title)s") % params
        body = (
            _(
                "The periodic review of %(version)s %(title)s falls due on %(due)s. Confirm it is "
                "still right on its page, or start a new version."
            )
            % params
        )
        notify(
            f"standards:version:{version.pk}:review-{kind}:{version.review_due.isoformat()}",
            subject=subject,
            body=body,
            emails=emails,
            payload={"version": version.pk, "standard": version.standard.code, "kind": kind},
        )
        before = audit.snapshot(version, ("review_reminded_at", "review_overdue_at"))
        setattr(version, stamp, now)
        version.save(update_fields=[stamp])
        audit.record(
            version,
            AuditAction.UPDATE,
            actor=acting_user,
            channel=channel,
            before=before,
            after=audit.snapshot(version, ("review_reminded_at", "review_overdue_at")),
        )
        report.sent.append(f"{kind}: {subject} → {len(emails)} recipient(s)")
    return report


def _announce_effective(
    report: ReviewReport, now: datetime, *, acting_user: User | None, channel: str
) -> None:
    """Tell the audience of each version now in effect, once, that it is to be read."""
    pending = effective_versions(local_today(now)).filter(effective_notice_at__isnull=True)
    for version in pending.select_for_update(of=("self",)).order_by("standard__code"):
        emails = audience_emails(version)
        params = {"version": version, "title": version.standard.title}
        subject = _("In effect: %(version)s %(title)s — please read and acknowledge it") % params
        body = _(
            "%(version)s of the standard %(title)s is in effect from %(day)s. Read it on its "
            "page and acknowledge that you have."
        ) % {**params, "day": version.effective_from}
        notify(
            f"standards:version:{version.pk}:effective",
            subject=subject,
            body=body,
            emails=emails,
            payload={"version": version.pk, "standard": version.standard.code, "kind": "effective"},
        )
        before = audit.snapshot(version, ("effective_notice_at",))
        version.effective_notice_at = now
        version.save(update_fields=["effective_notice_at"])
        audit.record(
            version,
            AuditAction.UPDATE,
            actor=acting_user,
            channel=channel,
            before=before,
            after=audit.snapshot(version, ("effective_notice_at",)),
        )
        report.sent.append(f"effective: {subject} → {len(emails)} recipient(s)")
