"""Forms of the lifecycle pages (pages.py) beyond the decision and the basic lifecycle (forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.certificates.transfer_models import TransferReview
from tancert.clients.forms import DateInput


class ChangeRequestForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    organisation_address = forms.CharField(label=_("Organisation address"), max_length=300)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea)
    sites = forms.CharField(label=_("Sites, one per line: name: address"), widget=forms.Textarea, required=False)
    reason = forms.CharField(label=_("What changed and why"), widget=forms.Textarea)

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


def sites_text(sites) -> str:
    return "\n".join(f"{s.get('name', '')}: {s.get('address', '')}" for s in sites or [])


class ChangeReviewForm(forms.Form):
    note = forms.CharField(label=_("How the change and its evidence were reviewed"), widget=forms.Textarea)
    audit = forms.IntegerField(label=_("Change audit (number), if one was needed"), required=False)


class MisuseForm(forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea)
    evidence = forms.CharField(label=_("Evidence"))
    action = forms.CharField(label=_("Action required"), required=False)


class TransferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    previous_body = forms.CharField(label=_("Previous certification body"), max_length=200)
    previous_number = forms.CharField(label=_("Certificate number at the previous body"), max_length=60)
    previous_status = forms.ChoiceField(label=_("Verified status"), choices=TransferReview.PREVIOUS_STATUSES)
    previous_issue_date = forms.DateField(label=_("Issue date"), widget=DateInput)
    previous_expiry_date = forms.DateField(label=_("Expiry date"), widget=DateInput)
    previous_cycle = forms.IntegerField(label=_("Recertification count"), min_value=0, initial=0)
    stage = forms.ChoiceField(label=_("Stage in the cycle"), choices=TransferReview.STAGES)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea)
    criterion = forms.CharField(label=_("Criterion and version"), initial="T/CCAA 39-2022")
    authenticity = forms.CharField(label=_("How validity and authenticity were verified"), widget=forms.Textarea)
    reason = forms.CharField(label=_("The organisation's reasons for the transfer"), widget=forms.Textarea)
    reports = forms.CharField(label=_("Last audit reports reviewed"), widget=forms.Textarea)
    open_ncs = forms.IntegerField(label=_("Open nonconformities"), min_value=0, initial=0)
    nc_note = forms.CharField(label=_("Nonconformities and their corrective actions"), widget=forms.Textarea,
                              required=False)
    complaints = forms.CharField(label=_("Complaints and how they were handled"), widget=forms.Textarea,
                                 required=False)
    onsite_needed = forms.BooleanField(label=_("An on-site audit is needed"), required=False)
    rectification = forms.CharField(label=_("Rectification after our withdrawal (RT-withdrawn)"),
                                    widget=forms.Textarea, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class TransferDecisionForm(forms.Form):
    accept = forms.ChoiceField(label=_("Decision"), choices=[("yes", _("accept the transfer")),
                                                             ("no", _("refuse the transfer"))])
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea)
    audit = forms.IntegerField(label=_("On-site audit (number), if the review asked for one"), required=False)
