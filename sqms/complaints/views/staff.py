"""Complaint pages for staff: list, detail with clocks and timeline, create, edit, workflow."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
