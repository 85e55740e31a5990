"""The audits app's one URL map: the audit list and page, then each feature's routes."""

from django.urls import include, path

from tancert.audits import views

urlpatterns = [
    path("audits/", views.audits, name="audits"),
    path("audits/export.xlsx", views.audits_export, name="audits_export"),
    path("findings/", views.findings, name="findings"),
    path("findings/export.xlsx", views.findings_export, name="findings_export"),
    path("audits/<id:pk>/", views.audit, name="audit"),
    path("audits/<id:pk>/complete/", views.complete, name="audit_complete"),
    path("", include("tancert.audits.findings.urls")),
    path("", include("tancert.audits.checklists.urls")),
    path("", include("tancert.audits.stage1.urls")),
    path("", include("tancert.audits.programme.urls")),
    path("", include("tancert.audits.carbon.urls")),
    path("", include("tancert.audits.carbon.levels.urls")),
    path("", include("tancert.audits.report.urls")),
    path("", include("tancert.audits.remote.urls")),
    path("", include("tancert.audits.offline.urls")),
]
