"""The web layer's own pages (home, sign-in, sign-up, an organisation's file); every app's URL map is
included once in tancert/urls.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tancert.web import offline, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("signup/", views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/<id:pk>/", views.organisation, name="organisation"),
]
