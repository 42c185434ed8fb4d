"""A site never learns its mystery shopper from the audit log: the actor of the visit's events
is shown as hidden and cannot be found by searching for the name; quality managers see it."""

from django.test import Client
from django.urls import reverse

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.choices import InspectionKind
from sqms.inspections.models import Item
from sqms.inspections.tests.factories import make_checklist


def _page(user, **params):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    got = client.get(reverse("core:audit_log"), params)
    assert got.status_code == 200
    return got.content.decode()


def test_shopper_hidden_from_the_site_in_the_audit_log(world):
    checklist = make_checklist("MYST", kind=InspectionKind.MYSTERY, name="神秘顾客")
    shopper = world.alpha_inspector
    inspection = actions.do_create_inspection(
        {
            "site": world.site_a,
            "checklist": checklist,
            "kind": InspectionKind.MYSTERY,
            "inspector": shopper,
        },
        acting_user=shopper,
        channel=Channel.WEB,
    )
    item = Item.objects.get(version=checklist, code="A1")
    actions.do_save_answer(
        inspection, item, result="fail", value=None, acting_user=shopper, channel=Channel.WEB
    )
    site_view = _page(world.alpha_manager, q=inspection.reference)
    assert "A1" in site_view  # the answer's event is listed …
    assert shopper.username not in site_view and "(hidden)" in site_view  # … without the name
    assert inspection.reference not in _page(world.alpha_manager, q=shopper.username)
    assert shopper.username in _page(world.qm, q=shopper.username)
