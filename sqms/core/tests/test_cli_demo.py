"""The sqms command: createuser, demo loading (deterministic, idempotent)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sqms.core.choices import Role
from sqms.core.models import AuditEvent, Region, Site
from sqms.demo import load
from sqms.test import World

pytestmark = pytest.mark.django_db


def test_createuser_sets_role_and_scope_and_is_audited_as_cli(world: World) -> None:
    out = io.StringIO()
    call_command(
        "createuser",
        "wang.wei",
        "--role",
        "inspector",
        "--sites",
        "ALPHA,BRAVO",
        "--password",
        "Long-enough-pw-1",
        stdout=out,
    )
    assert "Created wang.wei (Inspector)." in out.getvalue()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="wang.wei")
    assert user.profile.role == Role.INSPECTOR
    assert sorted(Site.objects.restrict(user).values_list("code", flat=True)) == ["ALPHA", "BRAVO"]
    assert AuditEvent.objects.get(object_id=str(user.pk), model="auth.user").channel == "cli"


def test_createuser_names_unknown_sites(world: World) -> None:
    with pytest.raises(CommandError, match="Unknown site code\\(s\\): NOPE"):
        call_command(
            "createuser",
            "x",
            "--role",
            "agent",
            "--sites",
            "NOPE",
            "--password",
            "Long-enough-pw-1",
        )


@pytest.mark.django_db(transaction=True)  # reset uses flush, which needs no open transaction
def test_demo_organization_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "GENERATORS", [])
    load.load_demo(locale="zh-hans", scale=1, seed=7, out=io.StringIO())
    first = list(
        Site.objects.order_by("code").values_list("code", "name", "address", "manager__last_name")
    )
    assert Region.objects.count() == 3 and len(first) == 24
    assert first[[c for c, *_ in first].index("NO001")][:2] == ("NO001", "北京店")
    load.reset_database(io.StringIO())
    assert not Site.objects.exists()
    load.load_demo(locale="zh-hans", scale=1, seed=7, out=io.StringIO())
    again = list(
        Site.objects.order_by("code").values_list("code", "name", "address", "manager__last_name")
    )
    assert again == first


def test_english_demo_and_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "GENERATORS", [])
    load.load_demo(locale="en", scale=2, seed=1, out=io.StringIO())
    assert Site.objects.count() == 48
    assert Site.objects.get(code="NO001").name == "Beijing store"
    assert Site.objects.get(code="NO009").name == "Beijing 2 store"


def test_second_demo_run_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "GENERATORS", [])
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    count = AuditEvent.objects.count()
    out2 = io.StringIO()
    call_command("demo", "--no-serve", stdout=out2)
    assert "already holds data; nothing was changed" in out2.getvalue()
    assert AuditEvent.objects.count() == count
    assert "quality" in out2.getvalue() and "sqms-demo-2026" in out2.getvalue()
