"""Auditor register pages, mounted at /auditors/."""

from django.urls import path

from tancert.people.auditors import views

urlpatterns = [
    path("", views.dashboard, name="auditors"),
    path("export.xlsx", views.export, name="auditors_export"),
    path("cpd-plan/", views.cpd_plan, name="auditors_cpd_plan"),
    path("qualification-types/", views.qualification_type, name="auditors_qualification_type"),
    path("<id:pk>/", views.person, name="auditor"),
    path("<id:pk>/<str:kind>/add/", views.add, name="auditor_add"),
    path("<id:pk>/<str:kind>/<id:item_id>/remove/", views.remove, name="auditor_remove"),
    path("<id:pk>/cpd/<id:item_id>/complete/", views.cpd_complete, name="auditor_cpd_complete"),
]
