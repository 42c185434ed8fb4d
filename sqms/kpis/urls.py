from sqms.kpis.views import alerts, charts, definitions, objectives, values

app_name = "kpis"

urlpatterns = [
    *definitions.urlpatterns,
    *values.urlpatterns,
    *charts.urlpatterns,
    *alerts.urlpatterns,
    *objectives.urlpatterns,
]
