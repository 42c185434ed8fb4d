"""``sqms createuser``: add a user with a role and a scope."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sqms.core import actions
from sqms.core.choices import Channel, Role
from sqms.core.models import Region, Site


class Command(BaseCommand):
    help = (
        "Create a user with a role and its scope. Roles: "
        + ", ".join(f"{r.value} ({r.label})" for r in Role)
        + ". Example: sqms createuser li.na --role site_manager --sites SH001"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help="The user's role.")
        parser.add_argument(
            "--sites",
            default="",
            help="Comma-separated site codes (site managers, inspectors, agents, viewers).",
        )
        parser.add_argument(
            "--regions", default="", help="Comma-separated region codes (region managers, viewers)."
        )
        parser.add_argument(
            "--all-sites", action="store_true", help="Viewers only: read access to every site."
        )
        parser.add_argument(
            "--password", help="Initial password; asked for when omitted and a terminal is present."
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **opts: Any) -> str:
        sites = _lookup(Site, opts["sites"], "site")
        regions = _lookup(Region, opts["regions"], "region")
        password = opts["password"]
        if password is None and self.stdin_isatty():
            password = getpass.getpass("Password: ")
        try:
            user = actions.do_create_user(
                username=opts["username"],
                password=password,
                role=opts["role"],
                regions=regions,
                sites=sites,
                all_sites=opts["all_sites"],
                first_name=opts["first_name"],
                last_name=opts["last_name"],
                email=opts["email"],
                acting_user=None,
                channel=Channel.CLI,
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        return f"Created {user.username} ({Role(opts['role']).label})."

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()


def _lookup(model: Any, codes: str, what: str) -> list[Any]:
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    found = {o.code: o for o in model.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise CommandError(f"Unknown {what} code(s): {', '.join(missing)}")
    return [found[c] for c in wanted]
