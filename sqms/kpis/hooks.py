"""Where KPI alerts meet other apps: turning an alert into a nonconformity goes through
``sqms.capa.sources.raise_for_kpi_alert`` when the CAPA app is installed and offers it."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def capa_raiser() -> Any:
    """``sqms.capa.sources.raise_for_kpi_alert``, or None when CAPA is not there."""
    if not apps.is_installed("sqms.capa"):
        return None
    try:
        from sqms.capa import sources  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return getattr(sources, "raise_for_kpi_alert", None)


def alert_to_nonconformity(alert: Any, *, acting_user: Any, channel: str) -> Any:
    """Raise a nonconformity for ``alert`` through CAPA; refuse clearly without it."""
    raise_for_kpi_alert = capa_raiser()
    if raise_for_kpi_alert is None:
        raise ValidationError(
            _(
                "Nonconformities cannot be raised here: the CAPA app (sqms.capa) is not "
                "installed or does not offer raise_for_kpi_alert. Acknowledge the alert instead."
            )
        )
    return raise_for_kpi_alert(alert, acting_user=acting_user, channel=channel)
