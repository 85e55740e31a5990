from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application


class DateInput(forms.DateInput):
    input_type = "date"


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Application.KINDS, initial=Application.INITIAL)
    scope = forms.CharField(label=_("Scope of the carbon management system"), widget=forms.Textarea)
    cms_started_on = forms.DateField(label=_("The CMS has been running since"), widget=DateInput)
    industry_requirement = forms.CharField(label=_("Applicable industry requirement (if any)"), required=False)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, image, Word or Excel)"))
    document_date = forms.DateField(label=_("Date of the document"), required=False, widget=DateInput)


class NotApplicableForm(forms.Form):
    reason = forms.CharField(label=_("Why this document does not apply"), widget=forms.Textarea)


class CommitmentForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed by (name and position)"), max_length=100)
    signed_on = forms.DateField(label=_("Date"), widget=DateInput)


class SupplementForm(forms.Form):
    missing = forms.CharField(label=_("What the client must supplement"), widget=forms.Textarea)


class ReviewForm(forms.Form):
    described = forms.BooleanField(label=_("The organisation and its CMS are sufficiently described"),
                                   required=False)
    understands = forms.BooleanField(label=_("The organisation understands the certification requirements"),
                                     required=False)
    competent = forms.BooleanField(label=_("The body has the competence and resources to certify it"),
                                   required=False)
    reason = forms.CharField(label=_("Reasons / remarks"), widget=forms.Textarea, required=False)
