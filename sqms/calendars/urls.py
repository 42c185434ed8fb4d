from django.urls import path

from sqms.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("new/", views.calendar_create, name="create"),
    path("sites/", views.site_list, name="sites"),
    path("sites/<int:site_pk>/", views.site_assign, name="site_assign"),
    path("<int:pk>/", views.calendar_detail, name="detail"),
    path("<int:pk>/edit/", views.calendar_edit, name="edit"),
    path("<int:pk>/delete/", views.calendar_delete, name="delete"),
    path("<int:pk>/days/", views.day_list, name="days"),
    path("<int:pk>/days/new/", views.day_create, name="day_create"),
    path("<int:pk>/days/<int:day_pk>/edit/", views.day_edit, name="day_edit"),
    path("<int:pk>/days/<int:day_pk>/delete/", views.day_delete, name="day_delete"),
    path("<int:pk>/load-cn/", views.load_cn, name="load_cn"),
    path("<int:pk>/import-ical/", views.import_ical, name="import_ical"),
]
