"""Fixtures shared by every test: the two-site world of personas (see sqms/test.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from sqms.test import World, build_world


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing passwords properly takes ~0.3 s each; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # uploaded attachments go to a temporary folder, not var/media
    import tempfile

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="sqms-test-media-")
    # huey runs tasks at once in the test process (in memory): no worker, no queue file.
    from sqms.jobs.huey_app import huey

    huey.immediate = True


@pytest.fixture(autouse=True)
def english_by_default(settings):  # type: ignore[no-untyped-def]
    """Tests read English messages unless they switch language themselves."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    # A transactional test (live server) empties every table afterwards, the rows the data
    # migrations installed included: put the complaint defaults back (idempotent).
    from sqms.complaints.actions import do_install_defaults
    from sqms.core.choices import Channel

    do_install_defaults(channel=Channel.CLI)
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
