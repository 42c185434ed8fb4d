"""Who may write survey records is declared once, on the models (``scope_editors``), and every
place that asks — the action, the page's button, the import page, the mapping presets — reads
that declaration through ``scoping.allowed`` / ``ensure_allowed``."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sqms.core.choices import Role
from sqms.core.scoping import SITE_EDITORS, allowed
from sqms.surveys import actions
from sqms.surveys.models import Campaign, Instrument, MappingPreset, Response
from sqms.surveys.tests.builtin_answers import servqual_answers


def test_declared_editors() -> None:
    assert Response.scope_editors == SITE_EDITORS
    assert MappingPreset.scope_editors == SITE_EDITORS
    assert Campaign.scope_editors == {Role.QUALITY_MANAGER}
    assert Instrument.scope_editors == {Role.QUALITY_MANAGER}


@pytest.mark.parametrize(
    ("persona", "may_write"),
    [("qm", True), ("alpha_manager", True), ("alpha_inspector", False), ("viewer_all", False)],
)
def test_action_page_and_import_page_agree(world, campaign, client_for, persona, may_write):  # type: ignore[no-untyped-def]
    user = getattr(world, persona)
    assert allowed(user, "add", Response) is may_write
    row = {"answers": servqual_answers(), "site": world.site_a}
    if may_write:
        result = actions.write_responses(campaign, [row], channel="api", acting_user=user)
        assert result.created == 1
    else:
        with pytest.raises(PermissionDenied, match="Your role may not add survey responses"):
            actions.write_responses(campaign, [row], channel="api", acting_user=user)
        assert Response.objects.count() == 0
    c = client_for(user)
    page = c.get(campaign.get_absolute_url()).content.decode()
    upload = reverse("surveys:import_upload", args=[campaign.pk])
    assert (upload in page) is may_write
    assert c.get(upload).status_code == (200 if may_write else 403)


def test_outsider_may_not_write_to_a_campaign_outside_scope(world, builtins):  # type: ignore[no-untyped-def]
    bravo_only = actions.do_create_campaign(
        {"name": "Bravo", "instrument": builtins["SERVQUAL"], "sites": [world.site_b]},
        acting_user=world.qm,
        channel="web",
    )
    row = {"answers": servqual_answers(), "site": world.site_b}
    with pytest.raises(PermissionDenied, match="You may not add responses to this campaign"):
        actions.write_responses(bravo_only, [row], channel="api", acting_user=world.alpha_manager)


def test_mapping_presets_follow_the_response_editors(world, builtins):  # type: ignore[no-untyped-def]
    from sqms.surveys.importers.mapping.spec import Mapping

    mapping = Mapping.from_json({"columns": {"CSAT": "CSAT"}})
    with pytest.raises(PermissionDenied, match="may not save mapping presets"):
        actions.do_save_preset("p", builtins["CSAT"], mapping, acting_user=world.alpha_inspector)
    preset = actions.do_save_preset("p", builtins["CSAT"], mapping, acting_user=world.alpha_manager)
    assert MappingPreset.objects.get().pk == preset.pk
