"""Forms of complaints and appeals; the bounds are the actions' (NAME_MAX, CONTACT_MAX, TEXT_MAX)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.certificates.complaints.actions import CONTACT_MAX, NAME_MAX, TEXT_MAX
from tancert.people.choices import PersonChoiceField, with_roles
from tancert.people.models import User

OUTCOMES = [("upheld", _("upheld")), ("not_upheld", _("not upheld"))]


class PublicComplaintForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    contact = forms.CharField(label=_("Telephone or e-mail for the answer"), max_length=CONTACT_MAX)
    text = forms.CharField(label=_("Your complaint"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class InvestigatorForm(forms.Form):
    investigator = PersonChoiceField(label=_("Investigator"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = with_roles(User.objects.filter(
            organisation__isnull=True, is_active=True, role_grants__isnull=False).distinct().order_by("username"))


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("Investigation findings"), max_length=TEXT_MAX, widget=forms.Textarea)


class ComplaintDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    response = forms.CharField(label=_("Response to the complainant"), max_length=TEXT_MAX, widget=forms.Textarea)
    follow_up = forms.ChoiceField(label=_("Follow-up"), required=False, choices=[
        ("", _("no further action")), ("corrective_action", _("corrective action by the body")),
        ("suspension_proposal", _("suspension proposal"))])
    trigger = forms.ChoiceField(label=_("Suspension trigger"), required=False, choices=[
        ("", "—"), ("T1", "T1"), ("T2", "T2"), ("T3", "T3"), ("T4", "T4")])


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("Grounds of the appeal"), max_length=TEXT_MAX, widget=forms.Textarea)


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    reasons = forms.CharField(label=_("Reasons"), max_length=TEXT_MAX, widget=forms.Textarea)
    reconsideration = forms.CharField(label=_("What is reconsidered (if upheld)"), max_length=TEXT_MAX,
                                      required=False, widget=forms.Textarea)
