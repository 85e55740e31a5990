from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.scheme import rulebook


def area_choices():
    return [(str(code), f"{code} {area.name_zh}") for code, area in rulebook.TECHNICAL_AREAS.items()]


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Legal name (as on the business licence)"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    registered_address = forms.CharField(label=_("Registered address"), max_length=300)
    address = forms.CharField(label=_("Operating address"), max_length=300)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    technical_areas = forms.MultipleChoiceField(label=_("Technical areas (Appendix A)"), choices=area_choices,
                                                widget=forms.SelectMultiple(attrs={"size": 6}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"))
    username = forms.CharField(label=_("User name"), max_length=150)
    # The password policy is checked by the action (docs/security.md), on the page and over the API alike.
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
