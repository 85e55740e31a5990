from django.urls import include, path

from tancert.people import views
from tancert.people.accounts import users_views

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/notices/", users_views.notice_email, name="me_notice_email"),
    path("me/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("auditors/", include("tancert.people.auditors.urls")),
    path("accounts/", include("tancert.people.accounts.urls")),
]
