"""Staff acknowledgement: who must read a version, the click recorded once and audited, the
"to read" list, and the per-site list of who has and has not acknowledged — scoped, so the
site B manager never sees site A's staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sqms.core.choices import Role
from sqms.core.models import AuditEvent
from sqms.standards import actions
from sqms.standards.audience import status_by_site, to_read
from sqms.standards.models import Acknowledgement
from sqms.standards.tests.data import WEB, effective_version
from sqms.test import make_user


@pytest.fixture
def version(world, qm2):
    return effective_version(world, world.qm, qm2, effective_from=timezone.localdate())


@pytest.fixture
def bravo_agent(world):
    return make_user("bravo_agent", Role.AGENT, sites=[world.site_b])


def test_the_roles_the_steps_name_must_read(world, version, bravo_agent):
    today = timezone.localdate()
    assert to_read(world.alpha_agent, today) == [version]
    assert to_read(bravo_agent, today) == [version]
    assert to_read(world.alpha_manager, today) == []  # the steps name agents only
    with pytest.raises(PermissionDenied, match="not addressed"):
        actions.do_acknowledge(version, acting_user=world.alpha_manager, channel=WEB)


def test_every_staff_member_when_the_version_says_so(world, qm2):
    v = effective_version(
        world,
        world.qm,
        qm2,
        effective_from=timezone.localdate(),
        ack_all_staff=True,
        ack_sites=[world.site_a],
    )
    today = timezone.localdate()
    assert to_read(world.alpha_manager, today) == [v]
    assert to_read(world.alpha_inspector, today) == [v]
    assert to_read(world.bravo_manager, today) == []  # site B is not among its sites


def test_acknowledged_once_and_audited(world, version):
    ack, new = actions.do_acknowledge(version, acting_user=world.alpha_agent, channel=WEB)
    again, new_again = actions.do_acknowledge(version, acting_user=world.alpha_agent, channel=WEB)
    assert (new, new_again, again.pk) == (True, False, ack.pk)
    assert Acknowledgement.objects.filter(version=version).count() == 1
    events = AuditEvent.objects.filter(model="standards.acknowledgement")
    assert events.count() == 1 and events.get().site == world.site_a
    assert to_read(world.alpha_agent, timezone.localdate()) == []


def test_future_version_cannot_be_acknowledged_yet(world, qm2):
    v = effective_version(
        world, world.qm, qm2, effective_from=timezone.localdate() + timedelta(days=3)
    )
    assert to_read(world.alpha_agent, timezone.localdate()) == []
    with pytest.raises(ValidationError, match="effective"):
        actions.do_acknowledge(v, acting_user=world.alpha_agent, channel=WEB)


def test_missing_list_per_site_and_its_scope(world, version, bravo_agent):
    actions.do_acknowledge(version, acting_user=bravo_agent, channel=WEB)

    def table(reader):
        return {
            s.site.code: (
                [p.user.username for p in s.people],
                [p.user.username for p in s.missing],
            )
            for s in status_by_site(version, reader)
        }

    assert table(world.qm) == {
        "ALPHA": (["alpha_agent"], ["alpha_agent"]),
        "BRAVO": (["bravo_agent"], []),
    }
    assert table(world.alpha_manager) == {"ALPHA": (["alpha_agent"], ["alpha_agent"])}
    assert table(world.bravo_manager) == {"BRAVO": (["bravo_agent"], [])}


def test_pages_click_list_and_csv(world, version, bravo_agent):
    agent = Client()
    agent.force_login(world.alpha_agent)
    page = agent.get(version.get_absolute_url())
    assert "I have read this version" in page.content.decode()
    url = reverse("standards:version_acknowledge", args=[version.pk])
    assert agent.post(url, {}).status_code == 400
    assert agent.post(url, {"number": version.number}).status_code == 302
    assert agent.post(url, {"number": version.number}).status_code == 302
    assert Acknowledgement.objects.filter(user=world.alpha_agent).count() == 1
    assert "I have read this version" not in agent.get(version.get_absolute_url()).content.decode()

    bravo = Client()
    bravo.force_login(world.bravo_manager)
    acks = reverse("standards:version_acks", args=[version.pk])
    body = bravo.get(acks).content.decode()
    assert "bravo_agent" in body and "alpha_agent" not in body
    csv = b"".join(bravo.get(acks + "?export=csv").streaming_content).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("BRAVO,bravo_agent")
    home = Client()
    home.force_login(bravo_agent)
    assert "To read 1" in home.get(reverse("standards:list")).content.decode()
    home.force_login(world.alpha_agent)  # has read everything: no badge
    assert "To read" not in home.get(reverse("standards:list")).content.decode()


def test_to_read_badge_and_page(world, version):
    c = Client()
    c.force_login(world.alpha_agent)
    home = c.get(reverse("home")).content.decode()
    assert 'id="standards-to-read"' in home and "GREET" in home
    body = c.get(reverse("standards:to_read")).content.decode()
    assert "GREET" in body and version.get_absolute_url() in body


def test_only_the_newest_effective_version_is_to_read(world, qm2, version):
    v2 = actions.do_new_version(version.standard, acting_user=world.qm, channel=WEB)
    actions.do_submit_version(v2, acting_user=world.qm, channel=WEB)
    later = timezone.localdate() + timedelta(days=5)
    actions.do_approve_version(v2, effective_from=later, acting_user=qm2, channel=WEB)
    assert to_read(world.alpha_agent, timezone.localdate()) == [version]
    # the date has come, the hourly job has not superseded version 1 yet
    assert to_read(world.alpha_agent, later) == [v2]
