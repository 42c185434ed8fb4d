from django.urls import path

from sqms.reports import views

app_name = "reports"

urlpatterns = [
    path("management-review/", views.management_review, name="management_review"),
]
