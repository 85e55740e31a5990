from django.urls import path

from tancert.audits.report import views

urlpatterns = [
    path("audits/<int:pk>/report/", views.report_page, name="audit_report"),
    path("audits/<int:pk>/report/v<int:version>.pdf", views.report_pdf, name="audit_report_pdf"),
]
