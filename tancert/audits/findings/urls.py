from django.urls import path

from tancert.audits.findings import views

urlpatterns = [
    path("audits/<int:pk>/findings/", views.raise_finding, name="finding_raise"),
    path("audits/<int:pk>/findings/<int:finding_id>/respond/", views.respond, name="finding_respond"),
    path("audits/<int:pk>/findings/<int:finding_id>/review/", views.review_response, name="finding_review"),
]
