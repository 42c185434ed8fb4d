"""Transaction volumes, the denominator of complaints per 1,000 transactions: one number per
site and month, saved one by one (an upsert by site and month) or imported from a file, all or
nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.complaints.models import TransactionVolume
from sqms.complaints.volume_file import line_error, read_volume_file
from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed, ensure_site_in_scope, site_ids_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _check(site: Site | None, period: Any, transactions: Any) -> tuple[Site, dt.date, int]:
    errors: dict[str, str] = {}
    if site is None:
        errors["site"] = _("Choose the site.")
    if not isinstance(period, dt.date):
        errors["period"] = _("Enter the month as YYYY-MM.")
    if isinstance(transactions, bool) or not isinstance(transactions, int) or transactions < 0:
        errors["transactions"] = _("Enter a whole number of transactions (0 or more).")
    if errors:
        raise ValidationError(errors)
    assert site is not None
    return site, first_of_month(period), transactions


def _upsert(
    site: Site, period: dt.date, transactions: int, *, acting_user: User | None, channel: str
) -> tuple[TransactionVolume, bool]:
    """Create or update one month's volume (no permission check: callers check)."""
    existing = (
        TransactionVolume.objects.select_for_update().filter(site=site, period=period).first()
    )
    if existing is None:
        volume = TransactionVolume.objects.create(
            site=site, period=period, transactions=transactions
        )
        audit.record(volume, AuditAction.CREATE, actor=acting_user, channel=channel)
        return volume, True
    before = audit.snapshot(existing)
    existing.transactions = transactions
    existing.save(update_fields=["transactions"])
    audit.record(existing, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return existing, False


@transaction.atomic(durable=True)
def do_save_volume(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> TransactionVolume:
    """Set a site's transactions of a month (``site``, ``period`` — any day of the month —,
    ``transactions``); an existing month is overwritten."""
    ensure_allowed(acting_user, "add", TransactionVolume)
    site, period, transactions = _check(
        data.get("site"), data.get("period"), data.get("transactions")
    )
    ensure_site_in_scope(acting_user, site.pk)
    volume, _created = _upsert(site, period, transactions, acting_user=acting_user, channel=channel)
    return volume


@transaction.atomic(durable=True)
def do_update_volume(
    volume: TransactionVolume, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> TransactionVolume:
    """Edit a month's record (its site, month or number); another record of the same site
    and month is refused."""
    current = TransactionVolume.objects.select_for_update().get(pk=volume.pk)
    ensure_allowed(acting_user, "change", current)
    site, period, transactions = _check(
        data.get("site", current.site),
        data.get("period", current.period),
        data.get("transactions", current.transactions),
    )
    ensure_site_in_scope(acting_user, site.pk)
    clash = TransactionVolume.objects.filter(site=site, period=period).exclude(pk=current.pk)
    if clash.exists():
        raise ValidationError(
            {"period": _("%(site)s already has a volume for %(month)s.")
             % {"site": site, "month": f"{period:%Y-%m}"}},
            code="unique",
        )  # fmt: skip
    before = audit.snapshot(current)
    current.site, current.period, current.transactions = site, period, transactions
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


@transaction.atomic(durable=True)
def do_delete_volume(volume: TransactionVolume, *, acting_user: User | None, channel: str) -> None:
    current = TransactionVolume.objects.select_for_update().get(pk=volume.pk)
    ensure_allowed(acting_user, "delete", current)
    before = audit.snapshot(current)
    audit.record(current, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    current.delete()


@dataclass(frozen=True)
class VolumeImport:
    created: int
    updated: int
    encoding: str


@transaction.atomic(durable=True)
def do_import_volumes(data: bytes, *, acting_user: User | None, channel: str) -> VolumeImport:
    """Import a CSV or XLSX file of site code, month, transactions; each row is an upsert.
    Any bad row (unreadable values, an unknown site or one outside the user's scope, a
    repeated site and month) refuses the whole file, listing every problem."""
    ensure_allowed(acting_user, "add", TransactionVolume)
    parsed = read_volume_file(data)
    errors = list(parsed.errors)
    sites = {s.code.upper(): s for s in Site.objects.all()}
    scope = site_ids_in_scope(acting_user) if acting_user is not None else None
    resolved: list[tuple[Site, dt.date, int]] = []
    for row in parsed.rows:
        site = sites.get(row.site_code.upper())
        if site is None or (scope is not None and site.pk not in scope):
            errors.append(
                line_error(row.line, _("unknown site “%(code)s”") % {"code": row.site_code})
            )
            continue
        resolved.append((site, row.period, row.transactions))
    if errors:
        raise ValidationError(
            [_("Nothing was imported.")] + errors[:200]
            + ([_("… and %(n)d more.") % {"n": len(errors) - 200}] if len(errors) > 200 else [])
        )  # fmt: skip
    if not resolved:
        raise ValidationError(_("The file has no rows of volumes."))
    created = updated = 0
    for site, period, transactions in resolved:
        _v, was_created = _upsert(
            site, period, transactions, acting_user=acting_user, channel=channel
        )
        created += was_created
        updated += not was_created
    return VolumeImport(created, updated, parsed.encoding)
