"""What the URL × persona scoping test (sqms/core/tests/test_url_scoping.py) needs from the
surveys app's collection pages: records of site A and site B, and URL arguments for site A's."""

from __future__ import annotations

from typing import Any

from sqms.core.choices import Channel
from sqms.surveys import actions
from sqms.surveys.choices import ResponseChannel
from sqms.surveys.models import CampaignSite, ImportBatch, Instrument, Response
from sqms.test import ALPHA_MARK, BRAVO_MARK, World


def _campaign(world: World, site: Any, mark: str) -> Any:
    campaign = actions.do_create_campaign(
        {
            "name": f"CSAT {mark}",
            "instrument": Instrument.objects.get(code="CSAT", is_current=True),
            "sites": [site],
            "status": "open",
        },
        acting_user=None,
        channel=Channel.CLI,
    )
    csv = f'"id","submitdate","lastpage","startlanguage","CSAT","COMMENT"\r\n"1","2026-03-05 10:11:12","2","en","4","{mark}"\r\n'
    actions.do_import_file(
        campaign, csv.encode(), f"{mark}.csv", acting_user=None, channel=Channel.CLI
    )
    actions.write_responses(
        campaign,
        [
            {
                "answers": {"CSAT": 5, "COMMENT": f"api {mark}"},
                "site": site,
                "external_id": f"x-{mark}",
            }
        ],
        channel=ResponseChannel.API,
        acting_user=None,
    )
    return campaign


def make_records(world: World) -> dict[str, Any]:
    actions.do_install_builtins(acting_user=None, channel=Channel.CLI)
    alpha = _campaign(world, world.site_a, ALPHA_MARK)
    _campaign(world, world.site_b, BRAVO_MARK)
    instrument = Instrument.objects.get(code="CSAT", is_current=True)
    return {
        "survey_campaign": alpha,
        "survey_link": CampaignSite.objects.get(campaign=alpha),
        "survey_batch": ImportBatch.objects.get(campaign=alpha),
        "survey_response": Response.objects.filter(campaign=alpha).first(),
        "survey_instrument": instrument,
        "survey_question": instrument.questions.first(),
        "survey_section": instrument.sections.first(),
    }


def _c(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["survey_campaign"].pk}


def _i(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["survey_instrument"].pk}


URL_KWARGS = {
    "surveys:campaign_detail": _c,
    "surveys:campaign_edit": _c,
    "surveys:campaign_delete": _c,
    "surveys:campaign_status": _c,
    "surveys:campaign_move_version": _c,
    "surveys:campaign_export": _c,
    "surveys:import_upload": _c,
    "surveys:import_review": _c,
    "surveys:campaign_card": lambda w, r: {
        "pk": r["survey_campaign"].pk,
        "site_pk": w.site_a.pk,
        "fmt": "pdf",
    },
    "surveys:import_detail": lambda w, r: {"pk": r["survey_batch"].pk},
    "surveys:import_rejects": lambda w, r: {"pk": r["survey_batch"].pk},
    "surveys:response_detail": lambda w, r: {"pk": r["survey_response"].pk},
    "surveys:instrument_detail": _i,
    "surveys:instrument_edit": _i,
    "surveys:instrument_delete": _i,
    "surveys:question_create": _i,
    "surveys:question_edit": lambda w, r: {
        "pk": r["survey_instrument"].pk,
        "qpk": r["survey_question"].pk,
    },
    "surveys:question_delete": lambda w, r: {
        "pk": r["survey_instrument"].pk,
        "qpk": r["survey_question"].pk,
    },
    "surveys:section_create": _i,
    "surveys:section_edit": lambda w, r: {
        "pk": r["survey_instrument"].pk,
        "spk": r["survey_section"].pk,
    },
    "api:get_campaign": lambda w, r: {"campaign_id": r["survey_campaign"].pk},
    "api:move_campaign_version": lambda w, r: {"campaign_id": r["survey_campaign"].pk},
    "api:walk_responses": lambda w, r: {"campaign_id": r["survey_campaign"].pk},
    "api:get_response": lambda w, r: {"response_id": r["survey_response"].pk},
    "public:form": lambda w, r: {"slug": r["survey_link"].slug},
    "public:thanks": lambda w, r: {"slug": r["survey_link"].slug},
}

# The public survey form and its thank-you page are for anyone, and show the site's name.
PUBLIC_URLS: set[str] = {"public:form", "public:thanks"}

# Instruments are organisation-wide (like the service catalogue): every role may read them.
SHARED_URLS: set[str] = {"surveys:instrument_detail"}
