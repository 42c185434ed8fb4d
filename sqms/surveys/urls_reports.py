"""Report pages of the surveys app (all filters are GET parameters, shared by every page)."""

from django.urls import path

from sqms.surveys import report_views as views

urlpatterns: list = [
    path("reports/servqual/", views.report_servqual, name="report_servqual"),
    path("reports/gap-model/", views.report_gap_model, name="report_gap_model"),
    path("reports/csat-nps/", views.report_csat_nps, name="report_csat_nps"),
    path("reports/ipa/", views.report_ipa, name="report_ipa"),
    path("reports/distribution/", views.report_distribution, name="report_distribution"),
    path("reports/comments/", views.report_comments, name="report_comments"),
    path("reports/responses/", views.drilldown, name="drilldown"),
    path("reports/plotly.min.js", views.plotly_js, name="plotly_js"),
]
