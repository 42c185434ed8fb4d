"""Users and roles: administration by quality managers, scope rules, role-less users, language."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sqms.core.choices import Role
from sqms.core.models import AuditEvent, Profile, Site
from sqms.test import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_quality_manager_creates_a_site_manager_with_a_scope(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    response = c.post(
        reverse("core:user_create"),
        {
            "username": "li.na",
            "first_name": "娜",
            "last_name": "李",
            "role": Role.SITE_MANAGER,
            "sites": [world.site_b.pk],
            "password": "Xq7-long-password",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="li.na")
    assert user.profile.role == Role.SITE_MANAGER
    assert list(user.profile.sites.all()) == [world.site_b]
    assert list(Site.objects.restrict(user)) == [world.site_b]
    event = AuditEvent.objects.get(model="auth.user", object_id=str(user.pk), action="create")
    assert event.changes["role"] == [None, "Site manager"]


def test_role_without_its_scope_is_refused_on_the_field(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    response = c.post(
        reverse("core:user_create"),
        {"username": "nobody", "role": Role.REGION_MANAGER, "password": "Xq7-long-password"},
    )
    assert response.context["form"].errors["regions"] == [
        "A region manager needs at least one region."
    ]
    assert not get_user_model().objects.filter(username="nobody").exists()


def test_only_quality_managers_administer_users(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    for user in (world.alpha_manager, world.viewer_all, world.alpha_agent):
        assert client_for(user).get(reverse("core:user_list")).status_code == 403


def test_a_user_without_a_role_gets_a_clear_refusal(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.roleless).get(reverse("core:site_list"))
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()


def test_viewer_reads_but_never_changes(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.viewer_all)
    assert c.get(reverse("core:site_detail", args=[world.site_b.pk])).status_code == 200
    assert c.get(reverse("core:site_edit", args=[world.site_b.pk])).status_code == 404
    assert Site.objects.restrict(world.viewer_all, "change").count() == 0


def test_region_manager_scope_follows_the_region(world: World) -> None:
    from sqms.test import make_user

    manager = make_user("east", Role.REGION_MANAGER, regions=[world.region_b])
    assert list(Site.objects.restrict(manager)) == [world.site_b]
    assert list(Site.objects.restrict(manager, "change")) == [world.site_b]


def test_language_switch_is_remembered_in_cookie_and_profile(world: World, client) -> None:  # type: ignore[no-untyped-def]
    assert client.login(username="alpha_manager", password=PASSWORD)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/org/sites/"})
    assert response.status_code == 302 and response["Location"] == "/org/sites/"
    assert response.cookies["django_language"].value == "zh-hans"
    assert Profile.objects.get(user=world.alpha_manager).language == "zh-hans"
    evil = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert evil["Location"] == "/"


def test_password_change_keeps_the_session_and_is_audited(world: World, client) -> None:  # type: ignore[no-untyped-def]
    client.login(username="alpha_manager", password=PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-9",
            "new_password2": "Another-long-pass-9",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    world.alpha_manager.refresh_from_db()
    assert world.alpha_manager.check_password("Another-long-pass-9")
    assert AuditEvent.objects.filter(
        object_id=str(world.alpha_manager.pk), changes__has_key="password"
    ).exists()


def test_login_is_rate_limited_per_address(world: World, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SQMS_LOGIN_RATE_PER_IP = 3
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.post(reverse("login"), {"username": "qm", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_chinese_names_show_family_name_first_without_a_space() -> None:
    from types import SimpleNamespace

    from sqms.core.names import display_name

    def user(first: str, last: str) -> SimpleNamespace:
        return SimpleNamespace(first_name=first, last_name=last, get_username=lambda: "u1")

    assert display_name(user("娜", "李")) == "李娜"
    assert display_name(user("Alice", "Smith")) == "Alice Smith"
    assert display_name(user("", "")) == "u1"
    assert display_name(None) == ""
