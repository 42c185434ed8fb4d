"""Fixtures shared by every test: the two-site world of personas (see sqms/test.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from sqms.test import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """``client_for(user)`` → a test client logged in as that user (English interface)."""

    def login(user):  # type: ignore[no-untyped-def]
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.cookies["django_language"] = "en"
        c.force_login(user)
        return c

    return login
