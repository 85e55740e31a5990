from django.urls import path

from tancert.audits.report import views

urlpatterns = [
    path("audits/<id:pk>/report/", views.report_page, name="audit_report"),
    path("audits/<id:pk>/report/v<id:version>.pdf", views.report_pdf, name="audit_report_pdf"),
]
