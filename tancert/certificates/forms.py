from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.certificates.actions import CONDITION_CODES, TRIGGER_CODES
from tancert.certificates.models import Decision
from tancert.scheme import rulebook
from tancert.ui.widgets import DateInput


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.OUTCOMES)
    scope = forms.CharField(label=_("Certified scope"), widget=forms.Textarea, required=False)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in CONDITION_CODES:
            title = rulebook.rule(f"R7.5.2-{code}").title_zh
            self.fields[f"{code}_met"] = forms.ChoiceField(
                label=f"{code} {title}", choices=[("", "—"), ("yes", _("met")), ("no", _("not met"))], required=False)
            self.fields[f"{code}_evidence"] = forms.CharField(label=_("Evidence for %(code)s") % {"code": code},
                                                              required=False)

    def conditions(self) -> dict:
        d = self.cleaned_data
        return {code: {"met": {"yes": True, "no": False}.get(d.get(f"{code}_met")),
                       "evidence": d.get(f"{code}_evidence", "")} for code in CONDITION_CODES}


class SuspendForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Trigger (R9.2-T1…T4)"),
                                choices=[(c, f"{c} {rulebook.rule('R9.2-' + c).title_zh}") for c in TRIGGER_CODES])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    respond_by = forms.DateField(label=_("The organisation must correct by"), widget=DateInput)
    confirmed_on = forms.DateField(label=_("Trigger confirmed on (suspend within 5 days)"), widget=DateInput,
                                   required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class ChangeForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    organisation_address = forms.CharField(label=_("Organisation address"), max_length=300)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea)
    reason = forms.CharField(label=_("The holder's application and its review"), widget=forms.Textarea)


class ChangeRequestForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    organisation_address = forms.CharField(label=_("Organisation address"), max_length=300)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea)
    sites = forms.CharField(label=_("Sites, one per line: name: address"), widget=forms.Textarea, required=False)
    reason = forms.CharField(label=_("What changed and why"), widget=forms.Textarea)
    document = forms.FileField(label=_("Supporting document (optional)"), required=False)

    def clean_sites(self):
        sites = []
        for line in (self.cleaned_data.get("sites") or "").splitlines():
            if not line.strip():
                continue
            name, sep, address = line.replace("：", ":").partition(":")
            if not sep or not name.strip() or not address.strip():
                raise forms.ValidationError(_("Write each site as name: address."))
            sites.append({"name": name.strip(), "address": address.strip()})
        return sites


class ChangeReviewForm(forms.Form):
    note = forms.CharField(label=_("How the change and its evidence were reviewed"), widget=forms.Textarea)
    # A bounded number: a giant one would overflow the database's integer (a 500 instead of a form error).
    audit = forms.IntegerField(label=_("Change audit (number), if one was needed"), required=False, min_value=1,
                               max_value=2**63 - 1)


def sites_text(sites) -> str:
    return "\n".join(f"{s.get('name', '')}: {s.get('address', '')}" for s in sites or [])
