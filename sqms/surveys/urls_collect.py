"""Collection pages under /surveys/: instruments, campaigns, imports, responses."""

from django.urls import path

from sqms.surveys import import_views, views

urlpatterns = [
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/install/", views.install_builtins, name="install_builtins"),
    path("instruments/new/", views.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/delete/", views.instrument_delete, name="instrument_delete"),
    path("instruments/<int:pk>/questions/new/", views.question_edit, name="question_create"),
    path("instruments/<int:pk>/questions/<int:qpk>/", views.question_edit, name="question_edit"),
    path(
        "instruments/<int:pk>/questions/<int:qpk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("instruments/<int:pk>/sections/new/", views.section_edit, name="section_create"),
    path("instruments/<int:pk>/sections/<int:spk>/", views.section_edit, name="section_edit"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign_delete"),
    path("campaigns/<int:pk>/status/", views.campaign_status, name="campaign_status"),
    path(
        "campaigns/<int:pk>/move-version/",
        views.campaign_move_version,
        name="campaign_move_version",
    ),
    path("campaigns/<int:pk>/export/", views.campaign_export, name="campaign_export"),
    path(
        "campaigns/<int:pk>/sites/<int:site_pk>/card.<str:fmt>",
        views.campaign_card,
        name="campaign_card",
    ),
    path("campaigns/<int:pk>/import/", import_views.import_upload, name="import_upload"),
    path("campaigns/<int:pk>/import/review/", import_views.import_review, name="import_review"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/rejects.csv", import_views.import_rejects, name="import_rejects"),
    path("responses/", views.response_list, name="response_list"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
]
