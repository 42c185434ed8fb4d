"""What the URL × persona scoping test needs from the core app.

``make_records(world)`` creates records owned by site A and by site B; ``URL_KWARGS`` maps each
URL name that takes arguments to the arguments of a record of site A.
"""

from __future__ import annotations

from typing import Any

from sqms.core import actions
from sqms.core.choices import Channel
from sqms.test import World


def make_records(world: World) -> dict[str, Any]:
    token, _raw = actions.do_create_api_token(
        world.alpha_manager, "alpha token", acting_user=world.alpha_manager, channel=Channel.CLI
    )
    return {"alpha_token": token}


URL_KWARGS = {
    "core:region_detail": lambda w, r: {"pk": w.region_a.pk},
    "core:region_edit": lambda w, r: {"pk": w.region_a.pk},
    "core:region_delete": lambda w, r: {"pk": w.region_a.pk},
    "core:site_detail": lambda w, r: {"pk": w.site_a.pk},
    "core:site_edit": lambda w, r: {"pk": w.site_a.pk},
    "core:site_delete": lambda w, r: {"pk": w.site_a.pk},
    "core:service_detail": lambda w, r: {"pk": w.service.pk},
    "core:service_edit": lambda w, r: {"pk": w.service.pk},
    "core:service_delete": lambda w, r: {"pk": w.service.pk},
    "core:user_detail": lambda w, r: {"pk": w.alpha_manager.pk},
    "core:user_edit": lambda w, r: {"pk": w.alpha_manager.pk},
    "core:token_revoke": lambda w, r: {"pk": r["alpha_token"].pk},
    "api:get_region": lambda w, r: {"region_id": w.region_a.pk},
    "api:update_region": lambda w, r: {"region_id": w.region_a.pk},
    "api:get_site": lambda w, r: {"site_id": w.site_a.pk},
    "api:update_site": lambda w, r: {"site_id": w.site_a.pk},
    "api:get_service": lambda w, r: {"service_id": w.service.pk},
    "api:update_service": lambda w, r: {"service_id": w.service.pk},
}

# Pages meant for anyone (no login): the scoping test does not look for markers there.
PUBLIC_URLS: set[str] = {"login", "set_language", "api:openapi-json", "api:openapi-view"}

# Organisation-wide records (the service catalogue): every role may read them, so a 200 for the
# outsider is right there; the page must still carry no other site's marker.
SHARED_URLS: set[str] = {"core:service_detail", "api:get_service", "api:update_service"}
