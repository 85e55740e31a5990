from django.urls import path

from tancert.ops.notifications import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
]
