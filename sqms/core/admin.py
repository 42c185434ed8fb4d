from django.contrib import admin
from django.http import HttpRequest

from sqms.core.models import ApiToken, AuditEvent, Organization, Profile, Region, Service, Site

admin.site.register([Organization, Region, Site, Service, Profile])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("digest",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor_name", "channel", "action", "object_repr")
    list_filter = ("channel", "action", "model")

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
