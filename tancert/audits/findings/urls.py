from django.urls import path

from tancert.audits.findings import views

urlpatterns = [
    path("audits/<id:pk>/findings/", views.raise_finding, name="finding_raise"),
    path("audits/<id:pk>/findings/<id:finding_id>/respond/", views.respond, name="finding_respond"),
    path("audits/<id:pk>/findings/<id:finding_id>/review/", views.review_response, name="finding_review"),
    path("audits/<id:pk>/carried/<id:finding_id>/recheck/", views.recheck, name="finding_recheck"),
]
