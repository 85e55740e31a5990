"""The password policy: Django's validators (settings.AUTH_PASSWORD_VALIDATORS) on every path that sets a
password — web and API sign-up, staff accounts, change and reset (docs/security.md, Passwords).

A refused password is a RuleViolation on the field ``password`` (422 over the API, the form field on a page).
Its message is the validators' own, rendered lazily so that the same violation reads in Chinese on the page
and in English on request.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.functional import lazy

from tancert.scheme.violations import RuleViolation

# Not a rule of the scheme: the body's own security policy (docs/security.md).
PASSWORD_KEY = "SEC-password"


def _problems(password: str, user) -> str:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return " ".join(e.messages)
    return ""


def check_password(password: str, user) -> None:
    """Raise RuleViolation(field="password") unless the password passes every validator.

    `user` may be unsaved (sign-up): the similarity check reads its user name, e-mail and names."""
    if not _problems(password or "", user):
        return
    message = lazy(lambda: _problems(password or "", user), str)()
    raise RuleViolation(PASSWORD_KEY, message, field="password")
