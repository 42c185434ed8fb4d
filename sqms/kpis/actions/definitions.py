"""KPI definitions (quality managers): create, change, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed
from sqms.kpis.models import Kpi
from sqms.kpis.sources import source_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

FIELDS = Kpi.audit_fields + ("description",)


def _check(kpi: Kpi) -> None:
    try:
        kpi.full_clean()
    except ValidationError:
        raise
    source = source_for(kpi.source, kpi.rate_base)
    errors: dict[str, str] = {}
    if source is not None:
        if kpi.nature != source.nature:
            errors["nature"] = _("The source %(source)s gives a %(nature)s.") % {
                "source": kpi.get_source_display(),
                "nature": dict(Kpi._meta.get_field("nature").flatchoices)[source.nature],
            }
        if kpi.period not in source.periods:
            errors["period"] = _("The source %(source)s is monthly.") % {
                "source": kpi.get_source_display()
            }
    if kpi.tolerance is not None and kpi.tolerance < 0:
        errors["tolerance"] = _("The tolerance cannot be negative.")
    if kpi.tolerance is not None and kpi.target is None:
        errors["target"] = _("A tolerance needs a target.")
    if errors:
        raise ValidationError(errors)


#: what the stored values and the frozen limits mean: changing one would judge old values
#: against limits computed for something else
MEANING = ("nature", "period", "rate_base", "source")


def _check_meaning_kept(kpi: Kpi, original: dict[str, Any]) -> None:
    changed = [f for f in MEANING if getattr(kpi, f) != original[f]]
    if changed and (kpi.values.exists() or kpi.limits.exists()):
        raise ValidationError(
            {
                f: _(
                    "%(kpi)s has stored values or frozen limits: its %(field)s cannot change. "
                    "Define a new KPI instead."
                )
                % {"kpi": kpi.code, "field": getattr(Kpi._meta.get_field(f), "verbose_name", f)}
                for f in changed
            }
        )


@transaction.atomic(durable=True)
def do_create_kpi(data: dict[str, Any], *, acting_user: User | None, channel: str) -> Kpi:
    ensure_allowed(acting_user, "add", Kpi, message=_("Only quality managers define KPIs."))
    kpi = Kpi(**{k: v for k, v in data.items() if k in FIELDS})
    _check(kpi)
    kpi.save()
    audit.record(kpi, AuditAction.CREATE, actor=acting_user, channel=channel)
    return kpi


@transaction.atomic(durable=True)
def do_update_kpi(kpi: Kpi, data: dict[str, Any], *, acting_user: User | None, channel: str) -> Kpi:
    ensure_allowed(acting_user, "change", kpi)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    before = audit.snapshot(kpi)
    original = {f: getattr(kpi, f) for f in MEANING}
    for k, v in data.items():
        if k in FIELDS:
            setattr(kpi, k, v)
    _check_meaning_kept(kpi, original)
    _check(kpi)
    kpi.save()
    audit.record(kpi, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return kpi


@transaction.atomic(durable=True)
def do_delete_kpi(kpi: Kpi, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", kpi)
    users = [
        _("objectives: %(list)s") % {"list": ", ".join(o.title for o in kpi.objectives.all())}
        if kpi.objectives.exists()
        else "",
        _("PDCA projects: %(list)s") % {"list": ", ".join(p.code for p in kpi.pdca_projects.all())}
        if kpi.pdca_projects.exists()
        else "",
    ]
    if any(users):
        raise ValidationError(
            _("%(kpi)s is still used (%(users)s); deactivate it instead.")
            % {"kpi": kpi.code, "users": "; ".join(u for u in users if u)}
        )
    before = audit.snapshot(kpi)
    audit.record(kpi, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    kpi.delete()
