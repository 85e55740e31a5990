from django.urls import path

from tancert.audits.remote import views

urlpatterns = [
    path("audits/<id:pk>/remote-deviation/", views.request_deviation, name="remote_deviation_request"),
    path("audits/<id:pk>/remote-deviation/<id:deviation_id>/decide/", views.decide_deviation,
         name="remote_deviation_decide"),
]
