"""Forms of the suspension proposals and the holder's serious-event report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.certificates.proposals.actions import EVENT_LABELS
from tancert.ui.widgets import DateInput


class AcceptProposalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the suspension"), widget=forms.Textarea(attrs={"rows": 2}))
    respond_by = forms.DateField(label=_("The organisation must correct by"), widget=DateInput)


class DismissProposalForm(forms.Form):
    reason = forms.CharField(label=_("Why the certificate is not suspended"), widget=forms.Textarea(attrs={"rows": 2}))


class SeriousEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=EVENT_LABELS)
    occurred_on = forms.DateField(label=_("Day of the event"), widget=DateInput)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, max_length=4000)


class SuspensionEvidenceForm(forms.Form):
    message = forms.CharField(label=_("What was corrected, and the evidence"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))
