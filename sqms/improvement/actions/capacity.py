"""Every write to capacity planning: a site's arrival profile (entered on the grid, imported
from a file or derived from timestamps in the data, with its handling time and target) and its
staff roster. Each action checks role and scope and writes its audit event; a bad file or
value is refused whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.core.actions import _delete, _save_changes, _save_new
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope
from sqms.improvement.capacity import derive_arrivals
from sqms.improvement.models import ArrivalProfile, ProfileSource, StaffRoster
from sqms.improvement.week_file import read_week_file

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

PROFILE_SETTINGS: tuple[str, ...] = ("handling_time", "target_level", "target_seconds", "shrinkage")


def _decimal(data: dict[str, Any], name: str) -> None:
    if name in data and data[name] is not None and not isinstance(data[name], Decimal):
        try:
            data[name] = Decimal(str(data[name]))
        except InvalidOperation:
            raise ValidationError({name: _("Enter a number.")}) from None


def _upsert_profile(
    site: Site, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> ArrivalProfile:
    allowed_keys = {"arrivals", "source", "derived_from", "derived_to", *PROFILE_SETTINGS}
    unknown = set(data) - allowed_keys
    if unknown:
        raise ValidationError(_("Unknown field(s): %(names)s") % {"names": ", ".join(unknown)})
    data = dict(data)
    _decimal(data, "target_level")
    _decimal(data, "shrinkage")
    if "arrivals" in data and isinstance(data["arrivals"], list):
        data["arrivals"] = [float(v) if isinstance(v, int | float) else v for v in data["arrivals"]]
    ensure_site_in_scope(acting_user, site.pk)
    existing = ArrivalProfile.objects.select_for_update().filter(site=site).first()
    if existing is None:
        ensure_allowed(acting_user, "add", ArrivalProfile)
        return _save_new(ArrivalProfile(site=site), data, acting_user=acting_user, channel=channel)
    ensure_allowed(acting_user, "change", existing)
    return _save_changes(existing, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_save_profile(
    site: Site, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> ArrivalProfile:
    """Create or change the site's profile: ``arrivals`` (168 values, Monday 00:00 first),
    ``handling_time`` (s), ``target_level`` (%), ``target_seconds``, ``shrinkage`` (%).
    Arrivals given here count as entered."""
    if "arrivals" in data:
        data = {**data, "source": ProfileSource.ENTERED, "derived_from": None, "derived_to": None}
    return _upsert_profile(site, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_import_profile(
    site: Site, file_bytes: bytes, *, acting_user: User | None, channel: str
) -> ArrivalProfile:
    """Arrivals from a CSV/XLSX file (weekday, hour, arrivals; or a 7×24 matrix); any bad
    cell refuses the whole file, naming row and column."""
    parsed = read_week_file(file_bytes, whole=False)
    if parsed.errors:
        raise ValidationError({"file": parsed.errors})
    data = {
        "arrivals": parsed.values,
        "source": ProfileSource.IMPORTED,
        "derived_from": None,
        "derived_to": None,
    }
    return _upsert_profile(site, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_derive_profile(
    site: Site,
    source: str,
    date_from: dt.date,
    date_to: dt.date,
    *,
    acting_user: User | None,
    channel: str,
) -> ArrivalProfile:
    """Arrivals averaged per hour of the week from the site's complaints (received) or survey
    responses (submitted) on the local dates ``date_from`` … ``date_to``."""
    if source not in (ProfileSource.COMPLAINTS, ProfileSource.SURVEYS):
        raise ValidationError({"source": _("Choose complaints or survey responses.")})
    if date_to < date_from:
        raise ValidationError({"date_to": _("The end date is before the start date.")})
    if (date_to - date_from).days > 366 * 3:
        raise ValidationError({"date_to": _("Choose at most three years.")})
    ensure_site_in_scope(acting_user, site.pk)
    values, total = derive_arrivals(site, source, date_from, date_to)
    if total == 0:
        raise ValidationError(
            {"date_from": _("No timestamps of this site in that range; nothing was changed.")}
        )
    data = {
        "arrivals": values,
        "source": source,
        "derived_from": date_from,
        "derived_to": date_to,
    }
    return _upsert_profile(site, data, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_profile(profile: ArrivalProfile, *, acting_user: User | None, channel: str) -> None:
    current = ArrivalProfile.objects.select_for_update().get(pk=profile.pk)
    ensure_allowed(acting_user, "delete", current)
    _delete(current, acting_user=acting_user, channel=channel)


def _upsert_roster(
    site: Site, staff: Any, *, acting_user: User | None, channel: str
) -> StaffRoster:
    if isinstance(staff, list):
        staff = [int(v) if isinstance(v, float) and v.is_integer() else v for v in staff]
    ensure_site_in_scope(acting_user, site.pk)
    existing = StaffRoster.objects.select_for_update().filter(site=site).first()
    if existing is None:
        ensure_allowed(acting_user, "add", StaffRoster)
        return _save_new(
            StaffRoster(site=site), {"staff": staff}, acting_user=acting_user, channel=channel
        )
    ensure_allowed(acting_user, "change", existing)
    return _save_changes(existing, {"staff": staff}, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_save_roster(
    site: Site, staff: Any, *, acting_user: User | None, channel: str
) -> StaffRoster:
    """Set the staff rostered per hour of the week (168 whole numbers, Monday 00:00 first)."""
    return _upsert_roster(site, staff, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_import_roster(
    site: Site, file_bytes: bytes, *, acting_user: User | None, channel: str
) -> StaffRoster:
    """The roster from a CSV/XLSX file, laid out as for arrivals (whole numbers)."""
    parsed = read_week_file(file_bytes, whole=True)
    if parsed.errors:
        raise ValidationError({"file": parsed.errors})
    return _upsert_roster(
        site, [int(v) for v in parsed.values], acting_user=acting_user, channel=channel
    )


@transaction.atomic(durable=True)
def do_delete_roster(roster: StaffRoster, *, acting_user: User | None, channel: str) -> None:
    current = StaffRoster.objects.select_for_update().get(pk=roster.pk)
    ensure_allowed(acting_user, "delete", current)
    _delete(current, acting_user=acting_user, channel=channel)
