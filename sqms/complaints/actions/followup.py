"""The follow-up survey: sent once when a complaint closes, its answer linked back, and the
built-in follow-up instrument (see :mod:`sqms.complaints.followup`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from sqms.complaints.actions.common import add_entry
from sqms.complaints.choices import EntryKind
from sqms.complaints.followup import FOLLOWUP, email_of, follow_up_campaign_site, survey_url
from sqms.complaints.models import Complaint
from sqms.jobs.outbox import notify
from sqms.surveys import actions as survey_actions
from sqms.surveys.models import Instrument, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def send_follow_up(complaint: Complaint, *, now: datetime) -> bool:
    """Inside the closing action's transaction: email the customer the follow-up survey link
    once (a complaint closed again after a reopen is not asked twice). Nothing happens without
    a follow-up campaign for the site or without an email address; returns whether it sent."""
    if complaint.follow_up_sent_at is not None or complaint.follow_up_response_id is not None:
        return False
    email = email_of(complaint.customer_contact)
    if email is None:
        return False
    link = follow_up_campaign_site(complaint)
    if link is None:
        return False
    url = survey_url(complaint, link)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("How did we handle your complaint %(code)s?") % {
            "code": complaint.tracking_code
        }
        body = _(
            "Dear customer,\n\nyour complaint %(code)s at %(site)s is closed. Please tell us in "
            "half a minute how we handled it:\n\n%(url)s\n\nThank you."
        ) % {"code": complaint.tracking_code, "site": complaint.site.name, "url": url}
    notify(
        f"complaint:{complaint.pk}:follow-up",
        subject=subject,
        body=body,
        emails=[email],
        payload={"complaint": complaint.pk, "campaign": link.campaign_id},
    )
    complaint.follow_up_sent_at = now
    Complaint.objects.filter(pk=complaint.pk).update(follow_up_sent_at=now)
    add_entry(
        complaint,
        EntryKind.NOTE,
        now=now,
        body=_("Follow-up survey sent to the customer (%(campaign)s).")
        % {"campaign": link.campaign.name},
        data={"follow_up_campaign": link.campaign_id},
    )
    return True


def link_follow_up(complaint_id: int, response: Response) -> None:
    """The surveys public form's handler for ``complaint`` references (inside the
    submission's transaction): the first answer of the complaint's own site is kept."""
    complaint = (
        Complaint.objects.select_for_update().filter(pk=complaint_id).select_related("site").first()
    )
    if (
        complaint is None
        or complaint.follow_up_response_id is not None
        or complaint.site_id != response.site_id
    ):
        return
    Complaint.objects.filter(pk=complaint.pk).update(follow_up_response=response)
    add_entry(
        complaint,
        EntryKind.NOTE,
        now=response.submitted_at,
        body=_("The customer answered the follow-up survey (response #%(id)d).")
        % {"id": response.pk},
        data={"follow_up_response": response.pk},
    )


def do_install_followup_instrument(*, acting_user: User | None, channel: str) -> Instrument:
    """Install the built-in follow-up instrument if missing (quality managers); returns it."""
    survey_actions.do_install_builtins(acting_user=acting_user, channel=channel, defs=[FOLLOWUP])
    found = Instrument.objects.filter(code=FOLLOWUP.code, is_current=True).first()
    if found is None:  # pragma: no cover - installed above
        raise RuntimeError("the follow-up instrument was not installed")
    return found


def hook_surveys() -> None:
    """Register the link-back handler with the surveys app (at start-up)."""
    from sqms.complaints.followup import REF_KIND
    from sqms.surveys import refs

    refs.register(REF_KIND, link_follow_up)


__all__ = ["do_install_followup_instrument", "hook_surveys", "link_follow_up", "send_follow_up"]
