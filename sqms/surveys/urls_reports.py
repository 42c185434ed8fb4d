"""Report pages of the surveys app (all filters are GET parameters, shared by every page)."""

from django.urls import URLPattern, URLResolver, path

from sqms.surveys.reports import (
    comments,
    csat_nps,
    distribution,
    drilldown,
    gap_model,
    ipa,
    servqual,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/servqual/", servqual.report_servqual, name="report_servqual"),
    path("reports/gap-model/", gap_model.report_gap_model, name="report_gap_model"),
    path("reports/csat-nps/", csat_nps.report_csat_nps, name="report_csat_nps"),
    path("reports/ipa/", ipa.report_ipa, name="report_ipa"),
    path("reports/distribution/", distribution.report_distribution, name="report_distribution"),
    path("reports/comments/", comments.report_comments, name="report_comments"),
    path("reports/responses/", drilldown.drilldown, name="drilldown"),
]
