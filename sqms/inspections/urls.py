"""Pages of the inspections app under /inspections/. Each area keeps its URL list beside its
views (``views/<area>.py``); this module joins them in one namespace."""

from django.urls import URLPattern, URLResolver

from sqms.inspections.views import checklists, inspections, perform

app_name = "inspections"

urlpatterns: list[URLPattern | URLResolver] = [
    *checklists.urlpatterns,
    *perform.urlpatterns,
    *inspections.urlpatterns,
]
