"""Staff pages of improvement work under /improvement/. Each concern keeps its URL list beside
its views (``views/<concern>.py``); this module joins them in one namespace."""

from sqms.improvement.views import capacity, capacity_survey, pdca, pdca_forms

app_name = "improvement"

urlpatterns = [
    *capacity.urlpatterns,
    *capacity_survey.urlpatterns,
    *pdca.urlpatterns,
    *pdca_forms.urlpatterns,
]
