from django.urls import path

from tancert.certificates.complaints import views

urlpatterns = [
    path("complaints/process/", views.process, name="complaints_process"),
    path("register/<str:number>/complaint/", views.lodge_public, name="complaint_public"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/<str:step>/", views.complaint_step, name="complaint_step"),
    path("complaints/appeals/new/", views.appeal_new, name="appeal_new"),
    path("complaints/appeals/<int:pk>/", views.appeal, name="appeal"),
    path("complaints/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
