"""Pages of the standards app under /standards/."""

from django.urls import URLPattern, URLResolver

from sqms.standards.views import standards, trainings, versions

app_name = "standards"

urlpatterns: list[URLPattern | URLResolver] = [
    *trainings.urlpatterns,
    *versions.urlpatterns,
    *standards.urlpatterns,
]
