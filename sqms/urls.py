from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sqms.api import api
from sqms.core import charts
from sqms.core import views as core_views
from sqms.core.auth_views import LoginView

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.password_change, name="password_change"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("assets/plotly.min.js", charts.plotly_js, name="plotly_js"),
    path("org/", include("sqms.core.urls")),
    path("surveys/", include("sqms.surveys.urls")),
    path("calendars/", include("sqms.calendars.urls")),
    path("jobs/", include("sqms.jobs.urls")),
    path("complaints/", include("sqms.complaints.urls")),
    path("inspections/", include("sqms.inspections.urls")),
    path("improvement/", include("sqms.improvement.urls")),
    path("capa/", include("sqms.capa.urls")),
    path("standards/", include("sqms.standards.urls")),
    path("kpis/", include("sqms.kpis.urls")),
    path("reports/", include("sqms.reports.urls")),
    path("s/", include("sqms.surveys.public_urls")),
    path("c/", include("sqms.complaints.public_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
