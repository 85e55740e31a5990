from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Finding
from tancert.ui.widgets import DateInput


class FindingForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Finding.GRADES)
    clause = forms.CharField(label=_("Clause of T/CCAA 39-2022 or rule key"), required=False, max_length=40)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    evidence = forms.CharField(label=_("Objective evidence"), widget=forms.Textarea, required=False)
    due_date = forms.DateField(label=_("Answer due by"), required=False, widget=DateInput)


class ResponseForm(forms.Form):
    correction = forms.CharField(label=_("Correction"), widget=forms.Textarea)
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea)
    corrective_action = forms.CharField(label=_("Corrective action"), widget=forms.Textarea)
    evidence = forms.CharField(label=_("Evidence of implementation"), widget=forms.Textarea, required=False)
