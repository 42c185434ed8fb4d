"""Every URL × persona: nobody sees or changes records outside their scope.

The test walks the whole URL conf, so a new app's pages and API endpoints are covered as soon
as they exist. Each app lists, in ``<app>/tests/scoping.py``, how to fill the arguments of its
URLs with a record of site A (``URL_KWARGS``) and creates marked records (``make_records``).
A URL that takes arguments nobody fills makes this test fail, so it cannot be forgotten.

Rules checked, for every URL with site A's record in its arguments:
- the outsider (site manager of site B) and anonymous users get a refusal — 302 to the login
  page, 401, 403, 404 or 405 — or, for lists, a page without site A's marker;
- a refused POST or PATCH writes no audit event and deletes nothing;
- people of site A never see site B's marker anywhere;
- nobody gets a server error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sqms.core import actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.test import ALPHA_MARK, BRAVO_MARK, World

REFUSED = {401, 403, 404, 405, 422, 400}


@dataclass(frozen=True)
class Route:
    name: str
    args: tuple[str, ...]
    is_api: bool


def walk(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if (
                entry.namespace == "admin"
            ):  # Django admin: superusers only, its own permission system
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(
                name=namespace + entry.name,
                args=tuple(entry.pattern.regex.groupindex),
                is_api=(prefix + str(entry.pattern)).startswith("api/"),
            )


def registries() -> tuple[
    dict[str, Callable[..., dict[str, Any]]], set[str], set[str], list[Callable[[World], dict]]
]:
    kwargs: dict[str, Callable[..., dict[str, Any]]] = {}
    public: set[str] = set()
    shared: set[str] = set()
    makers: list[Callable[[World], dict]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sqms."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scoping")
        except ModuleNotFoundError:
            continue
        kwargs.update(module.URL_KWARGS)
        public |= set(getattr(module, "PUBLIC_URLS", set()))
        shared |= set(getattr(module, "SHARED_URLS", set()))
        makers.append(module.make_records)
    return kwargs, public, shared, makers


ROUTES = sorted({r.name: r for r in walk(get_resolver())}.values(), key=lambda r: r.name)


def test_every_url_with_arguments_is_registered() -> None:
    kwargs, _public, _shared, _makers = registries()
    missing = [r.name for r in ROUTES if r.args and r.name not in kwargs]
    assert missing == [], f"add these URL names to <app>/tests/scoping.py URL_KWARGS: {missing}"
    assert len(ROUTES) >= 30  # the walk really found the app's pages


def token_for(user: Any) -> str:
    _token, raw = actions.do_create_api_token(
        user, "scoping", acting_user=user, channel=Channel.CLI
    )
    return raw


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_personas_see_and_change_only_their_scope(world: World) -> None:
    kwargs_for, public, shared, makers = registries()
    records: dict[str, Any] = {}
    for make in makers:
        records.update(make(world) or {})
    personas = {
        "qm": world.qm,
        "alpha_manager": world.alpha_manager,
        "alpha_inspector": world.alpha_inspector,
        "outsider": world.bravo_manager,
        "anonymous": None,
    }
    clients: dict[str, Client] = {}
    api_headers: dict[str, dict[str, str]] = {}
    for label, user in personas.items():
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            c.force_login(user)
            api_headers[label] = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        else:
            api_headers[label] = {}
        clients[label] = c
    failures: list[str] = []
    checked = 0
    for route in ROUTES:
        kwargs = kwargs_for[route.name](world, records) if route.args else {}
        url = reverse(route.name, kwargs=kwargs)
        for label, client in clients.items():
            headers = api_headers[label] if route.is_api else {}
            response = client.get(url, **headers)
            body = body_of(response)
            checked += 1
            where = f"GET {url} ({route.name}) as {label}: {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where} server error")
                continue
            if route.name in public:
                continue
            if label in ("alpha_manager", "alpha_inspector") and BRAVO_MARK in body:
                failures.append(f"{where} shows site B's data")
            if label in ("outsider", "anonymous"):
                if ALPHA_MARK in body:
                    failures.append(f"{where} shows site A's data")
                if (
                    route.args
                    and response.status_code == 200
                    and not (label == "outsider" and route.name in shared)
                ):
                    failures.append(f"{where} answered 200 for site A's record")
                if label == "anonymous" and response.status_code == 200:
                    failures.append(f"{where} answered 200 without login")
            if route.args and label in ("outsider", "anonymous"):
                before_events = AuditEvent.objects.count()
                if route.is_api:
                    changed = client.patch(
                        url, data="{}", content_type="application/json", **headers
                    )
                else:
                    changed = client.post(url, data={})
                refused = changed.status_code in REFUSED or (
                    changed.status_code == 302 and "/accounts/login/" in changed["Location"]
                )
                if not refused:
                    failures.append(
                        f"POST/PATCH {url} ({route.name}) as {label}: {changed.status_code} not refused"
                    )
                if AuditEvent.objects.count() != before_events:
                    failures.append(
                        f"POST/PATCH {url} ({route.name}) as {label} wrote an audit event"
                    )
    assert failures == [], "\n".join(failures)
    assert checked >= len(ROUTES) * len(personas)


@pytest.mark.django_db
def test_quality_manager_really_sees_site_a_records(world: World) -> None:
    """The positive control: without it, a scoping test passing on empty pages would prove nothing."""
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(world.qm)
    for name in ("core:site_detail", "core:region_detail"):
        pk = world.site_a.pk if name == "core:site_detail" else world.region_a.pk
        response = c.get(reverse(name, kwargs={"pk": pk}))
        assert response.status_code == 200
        assert ALPHA_MARK in response.content.decode()
    c.force_login(world.alpha_manager)
    page = c.get(reverse("core:site_list")).content.decode()
    assert ALPHA_MARK in page and BRAVO_MARK not in page
