"""Sign-in pages beyond the password, mounted at /accounts/ (docs/security.md)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.decorators.http import require_POST

from tancert.people.accounts import passkeys, users_views, views


def _ceremony(view):
    """A passkey step: the browser's script POSTs it after the password (no passwordless sign-in), so anyone
    not signed in goes to the login and a GET is a 405 (the persona matrix, docs/security.md)."""
    return login_required(require_POST(view.as_view()))


urlpatterns = [
    path("verify/", views.verify, name="otp_verify"),
    path("two-factor/", views.enrol, name="otp_enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="otp_recovery_codes"),
    path("passkeys/register/begin/", _ceremony(passkeys.BeginRegistration), name="passkey_register_begin"),
    path("passkeys/register/complete/", _ceremony(passkeys.CompleteRegistration), name="passkey_register_complete"),
    path("passkeys/verify/begin/", _ceremony(passkeys.BeginAuthentication), name="passkey_verify_begin"),
    path("passkeys/verify/complete/", _ceremony(passkeys.CompleteAuthentication), name="passkey_verify_complete"),
    path("passkeys/recovery-codes/", views.passkey_recovery_codes, name="passkey_recovery_codes"),
    path("passkeys/<id:pk>/remove/", views.remove_passkey, name="passkey_remove"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("users/", users_views.accounts, name="accounts"),
    path("users/new/", users_views.user_new, name="accounts_user_new"),
    path("users/<id:pk>/", users_views.user_page, name="accounts_user"),
    path("users/<id:pk>/roles/", users_views.user_roles, name="accounts_user_roles"),
    path("users/<id:pk>/deactivate/", users_views.user_deactivate, name="accounts_user_deactivate"),
    path("users/<id:pk>/reactivate/", users_views.user_reactivate, name="accounts_user_reactivate"),
    path("users/unlock/", views.unlock, name="accounts_unlock"),
    path("users/<id:pk>/remove-second-factor/", views.remove_second_factor, name="accounts_remove_second_factor"),
]
