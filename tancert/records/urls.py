from django.urls import path

from tancert.records import views

urlpatterns = [
    path("records/", views.records, name="records"),
    path("records/export.xlsx", views.records_export, name="records_export"),
    path("records/<id:seq>/", views.event, name="event"),
    path("records/<id:seq>/attach/", views.attach, name="event_attach"),
]
