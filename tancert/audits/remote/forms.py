from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import RemoteDeviation


class RequestDeviationForm(forms.Form):
    method = forms.ChoiceField(label=_("Audit method requested"), choices=RemoteDeviation.METHODS)
    reason = forms.ChoiceField(label=_("Exceptional circumstance"), choices=RemoteDeviation.REASONS)
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                  help_text=_("What happened, where, and until when."))
    ict_means = forms.CharField(label=_("ICT means (tools, connection, how evidence is shown)"), max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    ict_tested = forms.BooleanField(label=_("ICT available and tested at both sides"), required=False)
    security = forms.CharField(label=_("Confidentiality and information security"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    not_remote = forms.CharField(label=_("Sites and activities that cannot be seen remotely, and how they are covered"),
                                 max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideDeviationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("approve")), ("reject", _("reject"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for the decision"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
