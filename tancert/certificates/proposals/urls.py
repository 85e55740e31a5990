from django.urls import path

from tancert.certificates.proposals import views

urlpatterns = [
    path("decisions/proposals/<id:pk>/accept/", views.accept, name="proposal_accept"),
    path("decisions/proposals/<id:pk>/dismiss/", views.dismiss, name="proposal_dismiss"),
    path("certificates/<id:pk>/suspension-evidence/", views.suspension_evidence, name="certificate_evidence"),
    path("certificates/<id:pk>/serious-event/", views.serious_event, name="certificate_serious_event"),
]
