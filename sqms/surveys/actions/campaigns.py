"""Campaigns: create, edit, open, close, delete, and the sites and quotas they run at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed
from sqms.surveys.choices import (
    CampaignStatus,
)
from sqms.surveys.models import (
    Campaign,
    CampaignSite,
    ImportBatch,
    Instrument,
    Response,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _set_sites(campaign: Campaign, sites: list[Site], quotas: dict[int, int | None]) -> None:
    wanted = {s.pk for s in sites}
    current = {cs.site_id: cs for cs in campaign.campaign_sites.all()}
    for site_id, cs in current.items():
        if site_id not in wanted:
            if Response.objects.filter(campaign=campaign, site_id=site_id).exists():
                raise ValidationError(
                    {
                        "sites": _("Site %(site)s already has responses and cannot be removed.")
                        % {"site": cs.site}
                    }
                )
            cs.delete()
    for s in sites:
        existing = current.get(s.pk)
        quota = quotas.get(s.pk)
        if existing is None:
            CampaignSite.objects.create(campaign=campaign, site=s, quota=quota)
        elif existing.quota != quota:
            existing.quota = quota
            existing.save(update_fields=["quota"])


def _check_campaign(campaign: Campaign) -> None:
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise ValidationError({"closes_on": _("The campaign cannot close before it opens.")})


@transaction.atomic(durable=True)
def do_create_campaign(
    data: dict[str, Any],
    *,
    quotas: dict[int, int | None] | None = None,
    acting_user: User | None,
    channel: str,
) -> Campaign:
    ensure_allowed(acting_user, "add", Campaign)
    data = dict(data)
    sites = list(data.pop("sites", []))
    services = list(data.pop("services", []))
    if not sites:
        raise ValidationError({"sites": _("Choose at least one site.")})
    campaign = Campaign(created_by=acting_user if acting_user is not None else None, **data)
    if not campaign.instrument.is_current:
        raise ValidationError({"instrument": _("Choose the current version of the instrument.")})
    campaign.full_clean(exclude=["created_by"])
    _check_campaign(campaign)
    campaign.save()
    campaign.services.set(services)
    _set_sites(campaign, sites, quotas or {})
    audit.record(campaign, AuditAction.CREATE, actor=acting_user, channel=channel)
    return campaign


@transaction.atomic(durable=True)
def do_update_campaign(
    campaign: Campaign,
    data: dict[str, Any],
    *,
    quotas: dict[int, int | None] | None = None,
    acting_user: User | None,
    channel: str,
) -> Campaign:
    ensure_allowed(acting_user, "change", campaign)
    audit.ensure_open(campaign)
    before = audit.snapshot(campaign)
    data = dict(data)
    sites = data.pop("sites", None)
    services = data.pop("services", None)
    changes_instrument = "instrument" in data and data["instrument"] != campaign.instrument
    if changes_instrument and Response.objects.filter(campaign=campaign).exists():
        raise ValidationError(
            {"instrument": _("The campaign has responses; its instrument cannot change.")}
        )
    for k, v in data.items():
        setattr(campaign, k, v)
    campaign.full_clean(exclude=["created_by"])
    _check_campaign(campaign)
    campaign.save()
    if services is not None:
        campaign.services.set(services)
    if sites is not None:
        if not sites:
            raise ValidationError({"sites": _("Choose at least one site.")})
        _set_sites(campaign, list(sites), quotas or {})
    audit.record(campaign, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return campaign


def _set_status(
    campaign: Campaign, status: str, event: str, *, acting_user: User | None, channel: str
) -> Campaign:
    ensure_allowed(acting_user, "change", campaign)
    audit.ensure_open(campaign)
    before = audit.snapshot(campaign)
    campaign.status = status
    campaign.save(update_fields=["status"])
    audit.record(campaign, event, actor=acting_user, channel=channel, before=before)
    return campaign


@transaction.atomic(durable=True)
def do_open_campaign(campaign: Campaign, *, acting_user: User | None, channel: str) -> Campaign:
    return _set_status(
        campaign, CampaignStatus.OPEN, AuditAction.UPDATE, acting_user=acting_user, channel=channel
    )


@transaction.atomic(durable=True)
def do_close_campaign(campaign: Campaign, *, acting_user: User | None, channel: str) -> Campaign:
    """Close the campaign; it is read-only from then on."""
    return _set_status(
        campaign, CampaignStatus.CLOSED, AuditAction.CLOSE, acting_user=acting_user, channel=channel
    )


@transaction.atomic(durable=True)
def do_delete_campaign(campaign: Campaign, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", campaign)
    audit.ensure_open(campaign)
    if (
        Response.objects.filter(campaign=campaign).exists()
        or ImportBatch.objects.filter(campaign=campaign).exists()
    ):
        raise ValidationError(_("The campaign has responses; close it instead of deleting it."))
    before = audit.snapshot(campaign)
    audit.record(campaign, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    campaign.delete()


@transaction.atomic(durable=True)
def do_move_campaign_version(
    campaign: Campaign, instrument: Instrument, *, acting_user: User | None, channel: str
) -> Campaign:
    """Move an open or draft campaign to the current, later version of its instrument. Answers
    already stored keep the version they were given on; new ones use ``instrument``."""
    from sqms.surveys.versions import newer_version

    ensure_allowed(acting_user, "change", campaign)
    audit.ensure_open(campaign)
    target = newer_version(campaign)
    if target is None or target.pk != instrument.pk:
        raise ValidationError(
            {
                "instrument": _(
                    "%(instrument)s is not a later current version of the campaign's "
                    "instrument %(current)s."
                )
                % {"instrument": instrument, "current": campaign.instrument}
            }
        )
    before = audit.snapshot(campaign)
    campaign.instrument = instrument
    campaign.save(update_fields=["instrument"])
    audit.record(campaign, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return campaign
