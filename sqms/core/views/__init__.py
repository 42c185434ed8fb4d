"""Pages of the core app, one module per area; the URL confs import the views from here.

``generic`` also holds the form, delete and detail page helpers other apps' views reuse.
"""

from sqms.core.views.account import password_change, set_language, token_list, token_revoke
from sqms.core.views.audit_log import audit_log
from sqms.core.views.generic import add_errors, delete_page, detail_page, form_page, home
from sqms.core.views.organization import (
    region_create,
    region_delete,
    region_detail,
    region_edit,
    region_list,
    service_create,
    service_delete,
    service_detail,
    service_edit,
    service_list,
    site_create,
    site_delete,
    site_detail,
    site_edit,
    site_list,
)
from sqms.core.views.users import user_create, user_detail, user_edit, user_list

__all__ = [
    "add_errors",
    "audit_log",
    "delete_page",
    "detail_page",
    "form_page",
    "home",
    "password_change",
    "region_create",
    "region_delete",
    "region_detail",
    "region_edit",
    "region_list",
    "service_create",
    "service_delete",
    "service_detail",
    "service_edit",
    "service_list",
    "set_language",
    "site_create",
    "site_delete",
    "site_detail",
    "site_edit",
    "site_list",
    "token_list",
    "token_revoke",
    "user_create",
    "user_detail",
    "user_edit",
    "user_list",
]
