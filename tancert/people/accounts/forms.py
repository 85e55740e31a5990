from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tancert.people.accounts import actions


class CodeForm(forms.Form):
    otp = forms.CharField(label=pgettext_lazy("one-time password", "Code"), max_length=32, help_text=_(
        "The 6-digit code of your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}))


class UnlockForm(forms.Form):
    username = forms.CharField(required=False, max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (old password, the validators); saving goes through the action (record, tokens revoked)."""

    def save(self, commit=True):
        actions.set_password(self.user, self.cleaned_data["new_password1"], by=self.user, via="change")
        return self.user


class ResetPasswordForm(SetPasswordForm):
    """The last step of a reset by e-mail: the link proved the address; saving goes through the action."""

    def save(self, commit=True):
        actions.set_password(self.user, self.cleaned_data["new_password1"], by=self.user, via="reset")
        return self.user


def _role_field(required=True):
    from tancert.people.models import Role

    return forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
                                     required=required)


class StaffUserForm(forms.Form):
    """A new member of staff (accounts/users.create_staff checks and records)."""

    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    password = forms.CharField(label=_("Initial password"), max_length=128, widget=forms.PasswordInput(
        render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Tell it to the person by another channel; they change it after logging in."))
    roles = _role_field()


class RolesForm(forms.Form):
    roles = _role_field(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class NoticeEmailForm(forms.Form):
    email_notifications = forms.BooleanField(label=_("Also send my notices by e-mail"), required=False)
