"""Forms of the carbon data verification and the audit report pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Finding
from tancert.audits.models.carbon import SampleCheck


class InventoryUploadForm(forms.Form):
    file = forms.FileField(label=_("Inventory (engine template .xlsx, .json or .csv)"))


class MeterSeriesForm(forms.Form):
    file = forms.FileField(label=_("Meter series (.csv or .parquet: meter_id, timestamp, value, unit)"))


class SampleCheckForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    source_kind = forms.ChoiceField(label=_("Independent source"), choices=SampleCheck.SOURCES)
    reference = forms.CharField(label=_("Document reference"), max_length=200)
    value_found = forms.FloatField(label=_("Value found"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=SampleCheck.RESULTS)
    grade = forms.ChoiceField(label=_("Grade of the finding if there is a discrepancy"), choices=Finding.GRADES,
                              initial=Finding.MINOR)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ConfirmDataFindingForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("Grade"), choices=Finding.GRADES, initial=Finding.MINOR)
    evidence = forms.CharField(label=_("Objective evidence"), required=False, max_length=500)


class DismissDataFindingForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MonteCarloForm(forms.Form):
    iterations = forms.IntegerField(label=_("Iterations"), min_value=1_000, max_value=20_000, initial=10_000,
                                    widget=forms.NumberInput(attrs={"step": 1000}))
