from sqms.kpis.views import alerts, charts, definitions, values

app_name = "kpis"

urlpatterns = [
    *definitions.urlpatterns,
    *values.urlpatterns,
    *charts.urlpatterns,
    *alerts.urlpatterns,
]
