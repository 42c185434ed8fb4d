from django.contrib import admin

from sqms.core.models import ApiToken, AuditEvent, Organization, Profile, Region, Service, Site

admin.site.register([Organization, Region, Site, Service, Profile])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("digest",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "channel", "action", "object_repr")
    list_filter = ("channel", "action", "model")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
