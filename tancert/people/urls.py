from django.urls import include, path

from tancert.people import views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("auditors/", include("tancert.people.auditors.urls")),
    path("accounts/", include("tancert.people.accounts.urls")),
]
