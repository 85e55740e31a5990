from django.urls import include, path

from tancert.ops import views

urlpatterns = [
    path("", include("tancert.ops.notifications.urls")),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/set/", views.calendar_set, name="calendar_set"),
    path("calendar/<str:day>/remove/", views.calendar_remove, name="calendar_remove"),
]
