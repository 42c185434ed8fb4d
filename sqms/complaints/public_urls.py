"""Public complaint pages: /c/ (no login)."""

from django.urls import path

from sqms.complaints import public_views

app_name = "complaint_public"

urlpatterns = [
    path("track/", public_views.track, name="track"),
    path("t/<str:code>/", public_views.status, name="status"),
    path("t/<str:code>/files/<int:pk>/", public_views.public_attachment, name="attachment"),
    path("<str:site_code>/", public_views.complaint_form, name="form"),
    path("<str:site_code>/thanks/", public_views.complaint_thanks, name="thanks"),
]
