from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tancert.people.accounts import actions


class CodeForm(forms.Form):
    otp = forms.CharField(label=_("Code"), max_length=32, help_text=_(
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
