from django.urls import path

from tancert.ops import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/set/", views.calendar_set, name="calendar_set"),
    path("calendar/<str:day>/remove/", views.calendar_remove, name="calendar_remove"),
]
