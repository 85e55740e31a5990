from django.urls import path

from tancert.audits.stage1 import views

urlpatterns = [
    path("audits/<id:pk>/stage1/", views.stage1_record, name="audit_stage1"),
]
