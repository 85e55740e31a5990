"""Forms of the carbon data verification and the audit report pages."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tancert.audits.carbon_models import SampleCheck
from tancert.audits.models import Audit, Finding
from tancert.scheme import rulebook


class InventoryUploadForm(forms.Form):
    file = forms.FileField(label=_("Inventory (engine template .xlsx, .json or .csv)"))


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


class SignReportForm(forms.Form):
    objectives = forms.CharField(label=_("Audit objectives"), widget=forms.Textarea(attrs={"rows": 2}))
    deviations = forms.CharField(label=_("Deviations from the audit plan"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    combined_with = forms.CharField(label=_("Combined with other management systems (leave empty if not)"),
                                    required=False, max_length=300)
    evaluation = forms.CharField(label=_("Evaluation of the CMS's role in improving carbon performance"),
                                 widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Audit.RECOMMENDATIONS)

    def __init__(self, *args, focus_kind: str = "initial", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_keys = []
        zh = (translation.get_language() or "zh").startswith("zh")
        for item in rulebook.FOCUS_ITEMS[focus_kind]:
            name = "focus_" + item.key.replace(".", "_").replace("-", "_")
            self.focus_keys.append((name, item.key))
            self.fields[name] = forms.CharField(label=f"{item.code} {item.title_zh if zh else item.title_en}", required=False,
                                                widget=forms.Textarea(attrs={"rows": 2}))

    def action_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"objectives": d["objectives"], "deviations": d["deviations"], "combined_with": d["combined_with"],
                "evaluation": d["evaluation"], "recommendation": d["recommendation"],
                "focus_notes": {key: d[name] for name, key in self.focus_keys if d.get(name)}}
