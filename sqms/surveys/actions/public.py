"""Public form submissions: one-time tokens and the submission itself, under the link's lock."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.surveys import refs
from sqms.surveys.actions.responses import write_responses
from sqms.surveys.choices import (
    ResponseChannel,
)
from sqms.surveys.models import (
    CampaignSite,
    Response,
    SubmissionToken,
)


class SubmissionRefused(Exception):
    """The public form cannot take this submission; the message says why, politely."""


@transaction.atomic(durable=True)
def submit_public_response(
    campaign_site: CampaignSite,
    token: str,
    answers: dict[str, Any],
    *,
    language: str,
    service: Any = None,
    ref: str = "",
) -> tuple[Response | None, bool]:
    """Store one public-form response under a one-time token: ``(response, created)``.

    A replayed token returns the response it stored the first time and stores nothing.
    ``ref`` is a signed reference (:mod:`sqms.surveys.refs`): the response is stored with its
    external id (a second answer for the same record stores nothing) and the reference's
    handler links it back.
    """
    tok = (
        # NO KEY UPDATE locks: they do not block the foreign-key checks of concurrent inserts
        # (new tokens, responses), which on PostgreSQL otherwise deadlock under load.
        SubmissionToken.objects.select_for_update(no_key=True)
        .filter(token=token, campaign_site=campaign_site)
        .first()
    )
    if tok is None:
        raise SubmissionRefused(_("This form has expired. Please reload the page and try again."))
    if tok.used_at is not None:
        return tok.response, False
    cs = (
        CampaignSite.objects.select_for_update(no_key=True)
        .select_related("campaign")
        .get(pk=campaign_site.pk)
    )
    campaign = cs.campaign
    if not campaign.is_accepting():
        raise SubmissionRefused(_("This survey is not taking responses at the moment."))
    if cs.is_full:
        raise SubmissionRefused(
            _("This survey has received all the responses it needs. Thank you!")
        )
    reference = refs.read_ref(ref, cs.pk)
    row: dict[str, Any] = {
        "answers": answers,
        "site": cs.site_id,
        "service": service,
        "language": language,
    }
    if reference is not None:
        row["external_id"] = reference.external_id
    result = write_responses(campaign, [row], channel=ResponseChannel.PUBLIC, acting_user=None)
    stored = result.row_ids[0]
    if stored is None:  # pragma: no cover - write_responses raises for an invalid row
        raise SubmissionRefused(_("This form has expired. Please reload the page and try again."))
    response = Response.objects.get(pk=stored)
    if reference is not None:
        refs.link(reference, response)
    tok.used_at = timezone.now()
    tok.response = response
    tok.save(update_fields=["used_at", "response"])
    return response, True


def issue_token(campaign_site: CampaignSite) -> str:
    import secrets

    raw = secrets.token_urlsafe(24)
    SubmissionToken.objects.create(token=raw, campaign_site=campaign_site)
    return raw
