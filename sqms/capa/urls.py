"""Pages of the CAPA app under /capa/. Each area keeps its URL list beside its views."""

from sqms.capa.reports import analytics
from sqms.capa.views import actions, causes, nonconformities

app_name = "capa"

urlpatterns = [
    *nonconformities.urlpatterns,
    *actions.urlpatterns,
    *causes.urlpatterns,
    *analytics.urlpatterns,
]
