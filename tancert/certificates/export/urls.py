from django.urls import path

from tancert.certificates.export import views

urlpatterns = [
    path("certificates/export/", views.export_page, name="regulator_export"),
]
