"""Attachments of a complaint (staff uploads, the customer's photos) and the customer's own
messages from the status page. Files are checked before they get here
(``sqms.core.attachments.check_uploads``): these actions store what they are given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.complaints.actions.common import add_entry, lock
from sqms.complaints.actions.workflow import apply_transition
from sqms.complaints.choices import EntryKind, Status
from sqms.complaints.models import Attachment, Complaint, Entry
from sqms.core import audit
from sqms.core.attachments import CleanFile
from sqms.core.choices import AuditAction, Channel
from sqms.core.scoping import ensure_allowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

#: the longest customer message the status page takes
MESSAGE_MAX = 5000


def store_attachments(
    complaint: Complaint,
    files: Sequence[CleanFile],
    *,
    public: bool,
    entry: Entry | None,
    acting_user: User | None,
    channel: str,
) -> list[Attachment]:
    """Write the files (inside the calling action's transaction)."""
    out = []
    for f in files:
        att = Attachment(
            complaint=complaint,
            entry=entry,
            name=f.name[:200],
            content_type=f.content_type,
            size=f.size,
            is_public=public,
            uploaded_by=acting_user,
        )
        att.file.save(f.name, ContentFile(f.data), save=False)
        att.save()
        audit.record(att, AuditAction.CREATE, actor=acting_user, channel=channel)
        out.append(att)
    return out


@transaction.atomic(durable=True)
def do_add_attachments(
    complaint: Complaint,
    files: Sequence[CleanFile],
    *,
    public: bool = False,
    acting_user: User | None,
    channel: str,
) -> list[Attachment]:
    """Attach checked files to the complaint; ``public`` ones the customer sees on the
    status page."""
    current = lock(complaint, None)
    ensure_allowed(acting_user, "change", current)
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    if current.status == Status.CLOSED:
        raise ValidationError({"files": _("The complaint is closed; reopen it to add to it.")})
    return store_attachments(
        current, files, public=public, entry=None, acting_user=acting_user, channel=channel
    )


@transaction.atomic(durable=True)
def do_add_customer_message(
    complaint: Complaint,
    body: str,
    files: Sequence[CleanFile] = (),
    *,
    channel: str = Channel.PUBLIC,
    now: datetime | None = None,
) -> Entry:
    """The customer adds information on the status page (no login: the tracking code is the
    key). It is a public timeline entry of kind "customer message" with its attachments; a
    complaint that was waiting for the customer resumes (the "resume" transition)."""
    now = now or timezone.now()
    body = body.strip()
    if not body and not files:
        raise ValidationError({"body": _("Write something or attach a file first.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            {"body": _("Keep the message under %(n)d characters.") % {"n": MESSAGE_MAX}}
        )
    current = lock(complaint, None)
    if current.status == Status.CLOSED:
        raise ValidationError(
            {"body": _("This complaint is closed. Please submit a new complaint instead.")}
        )
    entry = add_entry(current, EntryKind.CUSTOMER, now=now, body=body, is_public=True)
    store_attachments(current, files, public=True, entry=entry, acting_user=None, channel=channel)
    if current.status == Status.WAITING_CUSTOMER:
        apply_transition(
            current,
            "resume",
            body=_("The customer replied."),
            acting_user=None,
            channel=channel,
            now=now,
        )
    return entry
