from django import forms
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, AuditTeamMember
from tancert.people.choices import PeopleChoiceField, PersonChoiceField, with_roles
from tancert.people.models import Role, User
from tancert.ui.widgets import DateInput


def staff_with(*roles):
    return with_roles(User.objects.filter(role_grants__role__in=roles, organisation__isnull=True).distinct()
                      .order_by("username"))


class PlanAuditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Audit type"), choices=Audit.KINDS)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(label=_("End date"), widget=DateInput)
    auditor_days = forms.DecimalField(label=_("Auditor-days"), min_value=0, max_digits=5, decimal_places=1)
    method = forms.ChoiceField(label=_("Audit method"), choices=Audit.METHODS)
    offsite = forms.BooleanField(label=_("Stage 1 off site"), required=False)
    offsite_reason = forms.CharField(label=_("Reason for off site (O1–O3)"), required=False, widget=forms.Textarea)
    leader = PersonChoiceField(label=_("Team leader"), queryset=staff_with(Role.AUDITOR))
    auditors = PeopleChoiceField(label=_("Auditors"), queryset=staff_with(Role.AUDITOR), required=False)
    experts = PeopleChoiceField(label=_("Technical experts"), queryset=staff_with(Role.TECHNICAL_EXPERT),
                                             required=False)

    COMBINED_ROWS = 3  # other management systems audited together (R10-time); the action allows up to 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.COMBINED_ROWS + 1):
            self.fields[f"combined_{i}_name"] = forms.CharField(
                label=_("Combined with system %(n)s (e.g. GB/T 24001 EMS)") % {"n": i}, required=False, max_length=80)
            self.fields[f"combined_{i}_days"] = forms.DecimalField(
                label=_("Its separate audit time (auditor-days)"), required=False, min_value=0, max_digits=5,
                decimal_places=1)
        # Querysets are evaluated per request so new staff appear without a restart.
        self.fields["leader"].queryset = staff_with(Role.AUDITOR)
        self.fields["auditors"].queryset = staff_with(Role.AUDITOR)
        self.fields["experts"].queryset = staff_with(Role.TECHNICAL_EXPERT)

    def clean(self):
        d = super().clean()
        for i in range(1, self.COMBINED_ROWS + 1):
            name, days = (d.get(f"combined_{i}_name") or "").strip(), d.get(f"combined_{i}_days")
            if bool(name) != (days is not None):
                self.add_error(f"combined_{i}_days" if name else f"combined_{i}_name",
                               _("Give both the system and its separate audit time, or neither."))
        return d

    def combined_with(self) -> list[dict]:
        """The combined systems entered, for ``plan_audit(combined_with=…)``."""
        d = self.cleaned_data
        return [{"name": d[f"combined_{i}_name"].strip(), "days": d[f"combined_{i}_days"]}
                for i in range(1, self.COMBINED_ROWS + 1) if (d.get(f"combined_{i}_name") or "").strip()]

    def team(self):
        d = self.cleaned_data
        team = [(d["leader"], AuditTeamMember.LEADER)]
        team += [(u, AuditTeamMember.AUDITOR) for u in d["auditors"] if u != d["leader"]]
        team += [(u, AuditTeamMember.EXPERT) for u in d["experts"] if u != d["leader"] and u not in d["auditors"]]
        return team


class CompleteForm(forms.Form):
    conclusion = forms.CharField(label=_("Audit conclusion"), widget=forms.Textarea)
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Audit.RECOMMENDATIONS)
