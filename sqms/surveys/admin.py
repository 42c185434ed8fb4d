"""Read-mostly admin for the surveys app. Everyday work goes through the pages, which write
through ``actions`` (audit trail, rollups); the admin is for inspection, so responses and
rollups cannot be edited here (that would bypass the rollups)."""

from typing import Any

from django.contrib import admin

from sqms.surveys.models import (
    Campaign,
    CampaignSite,
    ImportBatch,
    Instrument,
    MappingPreset,
    Question,
    Response,
    Rollup,
    Section,
)


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class SectionInline(admin.TabularInline[Section, Instrument]):
    model = Section
    extra = 0


class QuestionInline(admin.TabularInline[Question, Instrument]):
    model = Question
    extra = 0
    fields = (
        "order",
        "code",
        "kind",
        "role",
        "dimension",
        "required",
        "scale_min",
        "scale_max",
        "ratings",
    )


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly):
    list_display = ("code", "version", "kind", "name_zh", "name_en", "is_builtin", "is_current")
    list_filter = ("kind", "is_builtin", "is_current")
    search_fields = ("code", "name_zh", "name_en")
    inlines = [SectionInline, QuestionInline]


class CampaignSiteInline(admin.TabularInline[CampaignSite, Campaign]):
    model = CampaignSite
    extra = 0
    readonly_fields = ("slug", "response_count")


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ("name", "instrument", "status", "opens_on", "closes_on", "created_at")
    list_filter = ("status",)
    search_fields = ("name",)
    inlines = [CampaignSiteInline]


@admin.register(Response)
class ResponseAdmin(ReadOnly):
    list_display = ("id", "campaign", "site", "channel", "submitted_at", "external_id")
    list_filter = ("channel", "campaign")
    search_fields = ("external_id", "comment")
    list_select_related = ("campaign", "site")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly):
    list_display = ("filename", "campaign", "tool", "imported", "rejected", "skipped", "created_at")
    list_filter = ("tool",)


@admin.register(Rollup)
class RollupAdmin(ReadOnly):
    list_display = ("campaign", "site", "period", "measure", "n", "total")
    list_filter = ("period",)
    search_fields = ("measure",)


@admin.register(MappingPreset)
class MappingPresetAdmin(admin.ModelAdmin[MappingPreset]):
    list_display = ("name", "instrument_code", "created_by", "created_at")
