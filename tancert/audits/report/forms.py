"""The form the team leader signs the audit report with (R7.5.1)."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.scheme import rulebook


class SignReportForm(forms.Form):
    objectives = forms.CharField(label=_("Audit objectives"), widget=forms.Textarea(attrs={"rows": 2}))
    deviations = forms.CharField(label=_("Deviations from the audit plan"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    combined_with = forms.CharField(label=_("Combined with other management systems (leave empty if not)"),
                                    required=False, max_length=300)
    cms_specific = forms.CharField(
        label=_("Combined audit: the CMS's specific requirements and key audit points, as audited"), required=False,
        max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
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
                "cms_specific": d["cms_specific"],
                "evaluation": d["evaluation"], "recommendation": d["recommendation"],
                "focus_notes": {key: d[name] for name, key in self.focus_keys if d.get(name)}}
