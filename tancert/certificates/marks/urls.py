from django.urls import path

from tancert.certificates.marks import views

urlpatterns = [
    path("certificates/mark-rules/", views.mark_rules, name="mark_rules"),
    path("certificates/<id:pk>/mark.<str:kind>", views.mark_file, name="certificate_mark"),
    path("certificates/<id:pk>/misuse/", views.misuse, name="certificate_misuse"),
]
