"""The follow-up survey of a closed complaint, through the surveys app.

Which survey: a quality manager creates (in the surveys pages) a campaign with the built-in
instrument ``COMPLAINT-FOLLOWUP`` (recovery satisfaction 1–5 and would-recommend 0–10) for
the sites that should ask, and opens it. When a complaint of such a site closes, the customer
gets the campaign's public link with a signed reference to the complaint (by email when the
contact is an email address; the status page shows it too); the answer is stored with the
external id ``complaint:<id>`` and linked back to ``Complaint.follow_up_response``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone

from sqms.complaints.choices import Status
from sqms.complaints.models import Complaint
from sqms.surveys import refs
from sqms.surveys.choices import CampaignStatus, InstrumentKind, QuestionKind, QuestionRole
from sqms.surveys.instruments import LIKELY_11, SATISFIED_5, InstrumentDef, QuestionDef, SectionDef
from sqms.surveys.models import CampaignSite

FOLLOWUP_CODE = "COMPLAINT-FOLLOWUP"
REF_KIND = "complaint"
#: the questions' codes (their roles give the measures CSAT and NPS the reports read)
RECOVERY_QUESTION = "RECOVERY"
RECOMMEND_QUESTION = "RECOMMEND"

FOLLOWUP = InstrumentDef(
    code=FOLLOWUP_CODE,
    kind=InstrumentKind.CUSTOM,
    name_zh="投诉处理回访",
    name_en="Complaint follow-up",
    intro_zh="感谢您给我们改进的机会。请花半分钟告诉我们，您对这次投诉的处理是否满意。",
    intro_en=(
        "Thank you for giving us the chance to put things right. Please take half a minute "
        "to tell us how we handled your complaint."
    ),
    sections=[
        SectionDef(
            "",
            "",
            [
                QuestionDef(
                    code=RECOVERY_QUESTION,
                    kind=QuestionKind.LIKERT,
                    role=QuestionRole.CSAT,
                    text_zh="您对我们处理这次投诉的方式满意吗？",
                    text_en="How satisfied are you with the way we handled your complaint?",
                    scale_min=1,
                    scale_max=5,
                    options=SATISFIED_5,
                ),
                QuestionDef(
                    code=RECOMMEND_QUESTION,
                    kind=QuestionKind.SCALE_0_10,
                    role=QuestionRole.NPS,
                    text_zh="您有多大可能向朋友或同事推荐我们？",
                    text_en="How likely are you to recommend us to a friend or colleague?",
                    scale_min=0,
                    scale_max=10,
                    options=LIKELY_11,
                ),
                QuestionDef(
                    code="COMMENT",
                    kind=QuestionKind.TEXT,
                    role=QuestionRole.COMMENT,
                    required=False,
                    text_zh="还有什么想告诉我们的吗？",
                    text_en="Is there anything else you would like to tell us?",
                ),
            ],
        )
    ],
)


def follow_up_campaign_site(complaint: Complaint) -> CampaignSite | None:
    """The newest open follow-up campaign that includes the complaint's site and takes
    answers today, as the site's link; None when none is configured."""
    today = timezone.localdate()
    links = (
        CampaignSite.objects.filter(
            site_id=complaint.site_id,
            campaign__status=CampaignStatus.OPEN,
            campaign__instrument__code=FOLLOWUP_CODE,
        )
        .select_related("campaign", "campaign__instrument")
        .order_by("-campaign__created_at", "-campaign_id")
    )
    for link in links:
        if link.campaign.is_accepting(today) and not link.is_full:
            return link
    return None


def absolute(path: str) -> str:
    return str(getattr(settings, "SQMS_PUBLIC_BASE_URL", "")).rstrip("/") + path


def survey_url(complaint: Complaint, link: CampaignSite) -> str:
    ref = refs.make_ref(REF_KIND, complaint.pk, link.pk)
    return absolute(reverse("public:form", args=[link.slug])) + "?ref=" + ref


def follow_up_link(complaint: Complaint) -> str | None:
    """The follow-up survey link for the customer's status page: only once the complaint is
    closed, while it has no answer yet and a follow-up campaign takes answers."""
    if complaint.status != Status.CLOSED or complaint.follow_up_response_id is not None:
        return None
    link = follow_up_campaign_site(complaint)
    return survey_url(complaint, link) if link is not None else None


def email_of(contact: str) -> str | None:
    contact = (contact or "").strip()
    if "@" not in contact:
        return None
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact
