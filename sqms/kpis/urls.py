from sqms.kpis.views import alerts, charts, dashboard, definitions, objectives, values

app_name = "kpis"

urlpatterns = [
    *dashboard.urlpatterns,
    *definitions.urlpatterns,
    *values.urlpatterns,
    *charts.urlpatterns,
    *alerts.urlpatterns,
    *objectives.urlpatterns,
]
