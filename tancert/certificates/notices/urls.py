from django.urls import path

from tancert.certificates.notices import views

urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/<id:pk>/", views.notice, name="notice"),
    path("notices/<id:pk>/resolve/", views.notice_resolve, name="notice_resolve"),
    path("certificates/<id:pk>/notices/new/", views.notice_new, name="notice_new"),
]
