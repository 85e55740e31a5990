from django.urls import path

from tancert.certificates.complaints import views

urlpatterns = [
    path("complaints/process/", views.process, name="complaints_process"),
    path("register/<str:number>/complaint/", views.lodge_public, name="complaint_public"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/export.xlsx", views.complaints_export, name="complaints_export"),
    path("complaints/<id:pk>/", views.complaint, name="complaint"),
    path("complaints/<id:pk>/<str:step>/", views.complaint_step, name="complaint_step"),
    path("complaints/appeals/new/", views.appeal_new, name="appeal_new"),
    path("complaints/appeals/<id:pk>/", views.appeal, name="appeal"),
    path("complaints/appeals/<id:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
