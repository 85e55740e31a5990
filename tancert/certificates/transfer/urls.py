from django.urls import path

from tancert.certificates.transfer import views

urlpatterns = [
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<id:pk>/", views.transfer_page, name="transfer"),
]
