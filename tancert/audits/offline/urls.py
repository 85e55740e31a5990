from django.urls import path

from tancert.audits.offline import views

urlpatterns = [
    path("audits/offline/today/", views.today, name="offline_today"),
    path("offline/", views.offline_page, name="offline_page"),
]
