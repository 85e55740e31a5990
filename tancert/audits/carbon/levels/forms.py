"""Forms of a level's verification on the carbon page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Finding


class LevelUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (the engine's template, .xlsx)"))


class ConfirmLevelFindingForm(forms.Form):
    rule = forms.CharField(max_length=80, widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("Grade"), choices=Finding.GRADES, initial=Finding.MINOR)
    evidence = forms.CharField(label=_("Objective evidence"), required=False, max_length=500)


class DismissLevelFindingForm(forms.Form):
    rule = forms.CharField(max_length=80, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
