from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.ui.widgets import DateInput


class MisuseForm(forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea)
    evidence = forms.CharField(label=_("Evidence"))
    action = forms.CharField(label=_("Action required"), required=False)
