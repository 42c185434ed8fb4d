"""Public survey links: /s/<slug>/ (no login)."""

from django.urls import path

from sqms.surveys import public_views

app_name = "public"

urlpatterns = [
    path("<str:slug>/", public_views.public_form, name="form"),
    path("<str:slug>/thanks/", public_views.public_thanks, name="thanks"),
]
